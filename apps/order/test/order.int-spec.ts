import './consumer-groups.env';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { exportJWK, SignJWT } from 'jose';
import { dropDatabase, eventually, forgetGroups, groupsOf, readWholeTopic, startGroupsAtTheEnd, testDriver, walkPages } from '@homestore/testing';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import {
  ALL_TOPICS,
  decodeEnvelope,
  DeliveryCompleted,
  DeliveryStarted,
  EnvelopeHeaders,
  EventDefinition,
  EventEnvelope,
  OrderAccepted,
  PaymentApproved,
  PaymentFailed,
  PaymentVoided,
  PayloadOf,
  PointsEarned,
  PointsReleased,
  PointsReservationFailed,
  PointsReserved,
  ProductChanged,
  StoreOrderCanceled,
  StoreOrderReceived,
  Topics,
  deadLetterTopic,
} from '@homestore/events';
import { MicroserviceOptions } from '@nestjs/microservices';
import { buildEnvelope, consumerGroup, ensureTopics, EventTransport, KafkaProducer, newContext } from '@homestore/messaging';
import { configureHttp, loadConfig } from '@homestore/platform';
import { databaseUrl, poolOf } from '@homestore/persistence';
import { ConsumerGroups as Names } from '../src/consumer-groups';
import { MyPageStore } from '../src/mypage/mypage.store';
import { MYPAGE_TOPICS, rebuildMyPage } from '../src/mypage/rebuild';
import { OrderConfig } from '../src/order.config';
import { OrderModule } from '../src/order.module';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
/** This run's groups (consumer-groups.env.ts sets the prefix). */
const GROUP_PREFIX = process.env.CONSUMER_GROUP_PREFIX!;
const ConsumerGroups = { saga: consumerGroup(process.env, Names.saga), myPage: consumerGroup(process.env, Names.myPage) };

/** Signs tokens as the user service would, and serves the public key as a JWKS. */
async function tokenIssuer() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }] };
  const server: Server = createServer((_, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(jwks)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    token: (sub: string, role = 'customer') =>
      new SignJWT({ role })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'JWT' })
        .setSubject(sub)
        .setIssuer('homestore-user')
        .setAudience('homestore')
        .setIssuedAt()
        .setExpirationTime('15m')
        .sign(privateKey),
    close: () => new Promise((r) => server.close(r)),
  };
}


describe('order service (real Kafka and PostgreSQL)', () => {
  const database = `hs_order_${randomUUID().slice(0, 8)}`;
  const kafka = testDriver('order-test');
  let issuer: Awaited<ReturnType<typeof tokenIssuer>>;
  let producer: KafkaProducer;
  let app: INestApplication | undefined;
  let base: string;
  const alice = randomUUID();
  const bob = randomUUID();
  let aliceToken: string;
  let bobToken: string;
  const washer = randomUUID();
  const fridge = randomUUID();
  const orderIds: string[] = [];
  let deliveredOrder: string;
  /** A customer spending points, and the orders placed for them (myPage is rebuilt with them too). */
  const dave = randomUUID();
  let daveToken: string;
  const daveOrderIds: string[] = [];

  const call = async (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
  };

  /** Publishes events to their real topics, as their producers' relays would. */
  const publish = async <D extends EventDefinition>(definition: D, ...payloads: PayloadOf<D>[]): Promise<EventEnvelope[]> => {
    const envelopes = payloads.map((payload) => buildEnvelope(definition.producer, { definition, payload }, newContext()));
    await producer.send([
      {
        topic: definition.topic,
        messages: envelopes.map((e) => ({
          key: (e.payload as Record<string, string>)[definition.keyField],
          value: JSON.stringify(e),
          headers: { [EnvelopeHeaders.eventType]: e.eventType, [EnvelopeHeaders.eventId]: e.eventId },
        })),
      },
    ]);
    return envelopes;
  };

  const product = (productId: string, revision: number, price: number, salePrice: number | null = null): PayloadOf<typeof ProductChanged> => ({
    productId,
    revision,
    name: productId === washer ? 'Washer' : 'Fridge',
    category: 'appliances',
    price,
    salePrice,
    stock: 10,
    onSale: salePrice !== null,
  });

  const orderBody = (items = [{ productId: washer, quantity: 1 }], cardToken = 'tok_ok') => ({
    items,
    deliveryAddress: 'Seoul, Gangnam-gu, Teheran-ro 123',
    deliveryPhone: '010-1234-5678',
    payment: { method: 'card', cardToken },
  });

  const place = async (cardToken = 'tok_ok') => {
    const res = await call('POST', '/orders', aliceToken, orderBody(undefined, cardToken));
    expect(res.status).toBe(201);
    orderIds.push(res.body.id);
    return res.body.id as string;
  };

  const saga = (orderId: string, customerId = alice) => ({
    paid: () => publish(PaymentApproved, { paymentId: randomUUID(), orderId, customerId, amount: 800, items: [{ productId: washer, name: 'Washer', unitPrice: 800, quantity: 1 }], deliveryAddress: 'Seoul', deliveryPhone: '010' }),
    declined: () => publish(PaymentFailed, { paymentId: randomUUID(), orderId, customerId, amount: 800, reason: 'CARD_DECLINED' }),
    received: () => publish(StoreOrderReceived, { storeOrderId: randomUUID(), orderId, customerId, items: [{ productId: washer, quantity: 1 }] }),
    accepted: () => publish(OrderAccepted, { storeOrderId: randomUUID(), orderId, customerId, items: [{ productId: washer, quantity: 1 }], deliveryAddress: 'Seoul', deliveryPhone: '010' }),
    storeCanceled: () => publish(StoreOrderCanceled, { storeOrderId: randomUUID(), orderId, customerId, stockReleased: false }),
    shipped: () => publish(DeliveryStarted, { deliveryId: randomUUID(), orderId, customerId }),
    delivered: () => publish(DeliveryCompleted, { deliveryId: randomUUID(), orderId, customerId }),
  });

  const statusOf = async (orderId: string) => (await call('GET', `/orders/${orderId}`, aliceToken)).body;
  const myPageOf = async (orderId: string) => (await call('GET', `/mypage/orders/${orderId}`, aliceToken)).body;

  const startApp = async () => {
    const config = loadConfig('order', OrderConfig, { ...process.env, NODE_ENV: 'test', PORT: '1', DATABASE_NAME: database, AUTH_JWKS_URL: issuer.jwksUrl });
    const moduleRef = await Test.createTestingModule({ imports: [OrderModule.register(config)] }).compile();
    const nest = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error'] });
    configureHttp(nest);
    await nest.init();
    nest.connectMicroservice<MicroserviceOptions>({ strategy: nest.get(EventTransport) });
    await nest.startAllMicroservices();
    await nest.listen(0, '127.0.0.1');
    app = nest;
    base = `http://127.0.0.1:${(nest.getHttpServer().address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    issuer = await tokenIssuer();
    [aliceToken, bobToken, daveToken] = await Promise.all([issuer.token(alice), issuer.token(bob), issuer.token(dave)]);
    await ensureTopics(kafka, ALL_TOPICS.map((topic) => ({ topic, numPartitions: 6 })));
    // The topics hold other runs' events: this run's groups start at their current ends (the rebuild reads them all).
    await startGroupsAtTheEnd(kafka, GROUP_PREFIX, groupsOf('order'));
    producer = kafka.producer();
    await producer.connect();
    await startApp();
    await publish(ProductChanged, product(washer, 2, 1000, 800), product(washer, 1, 5), product(fridge, 1, 2000));
  });

  afterAll(async () => {
    await app?.close();
    await producer?.disconnect();
    await issuer?.close();
    await dropDatabase(database);
    await forgetGroups(kafka, GROUP_PREFIX);
  });

  it('prices an order from the product replica (newest revision, sale price) and announces it with OrderPlaced', async () => {
    const items = [
      { productId: washer, quantity: 1 },
      { productId: fridge, quantity: 2 },
      { productId: washer, quantity: 1 },
    ];
    const placed = await eventually('the replica to know both products', () => call('POST', '/orders', aliceToken, orderBody(items)), (r) => r.status === 201);
    orderIds.push(placed.body.id);
    expect(placed.body).toEqual({
      id: expect.any(String),
      status: 'PENDING',
      items: [
        { productId: washer, name: 'Washer', unitPrice: 800, quantity: 2 },
        { productId: fridge, name: 'Fridge', unitPrice: 2000, quantity: 2 },
      ],
      totalAmount: 5600,
      pointsUsed: 0,
      amountDue: 5600,
      createdAt: expect.any(String),
    });
    const ds = app!.get(DataSource);
    await eventually('the outbox to drain', async () => (await ds.query(`SELECT count(*)::int AS n FROM outbox`))[0].n, (n) => n === 0);
    const announced = (await readWholeTopic(kafka, Topics.Order)).map((m) => decodeEnvelope(m.value)).filter((e) => e.orderId === placed.body.id);
    expect(announced).toEqual([
      expect.objectContaining({
        eventType: 'OrderPlaced',
        producer: 'order',
        payload: expect.objectContaining({
          orderId: placed.body.id,
          customerId: alice,
          totalAmount: 5600,
          pointsUsed: 0,
          amountDue: 5600,
          payment: { method: 'card', cardToken: 'tok_ok' },
        }),
      }),
    ]);
  });

  it('answers 422 ORDER.UNKNOWN_PRODUCT naming the products the replica lacks, and 400 for invalid orders', async () => {
    const unknown = randomUUID();
    const res = await call('POST', '/orders', aliceToken, orderBody([{ productId: washer, quantity: 1 }, { productId: unknown, quantity: 1 }]));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ statusCode: 422, code: 'ORDER.UNKNOWN_PRODUCT' });
    expect(res.body.message).toContain(unknown);
    for (const body of [orderBody([]), orderBody([{ productId: washer, quantity: 0 }]), { ...orderBody(), coupon: 'FREE' }]) {
      expect((await call('POST', '/orders', aliceToken, body)).status).toBe(400);
    }
    expect((await call('POST', '/orders', issuerlessStoreToken(), orderBody())).status).toBe(401);
  });

  it('places one order, announced once, for concurrent requests with the same Idempotency-Key', async () => {
    const key = randomUUID();
    const [a, b] = await Promise.all([1, 2].map(() => call('POST', '/orders', aliceToken, orderBody(), { 'idempotency-key': key })));
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body).toEqual(a.body);
    orderIds.push(a.body.id);
    const again = await call('POST', '/orders', aliceToken, orderBody(), { 'idempotency-key': key });
    expect(again).toEqual({ status: 201, body: a.body });
    // The same key is another customer's own key.
    const bobs = await call('POST', '/orders', bobToken, orderBody(), { 'idempotency-key': key });
    expect(bobs.body.id).not.toBe(a.body.id);

    const ds = app!.get(DataSource);
    await eventually('the outbox to drain', async () => (await ds.query(`SELECT count(*)::int AS n FROM outbox`))[0].n, (n) => n === 0);
    const placed = (await readWholeTopic(kafka, Topics.Order)).map((m) => decodeEnvelope(m.value)).filter((e) => e.orderId === a.body.id);
    expect(placed.map((e) => e.eventType)).toEqual(['OrderPlaced']);
  });

  it('sheds load: with no pooled connection free in time, POST /orders answers 503 DATABASE.UNAVAILABLE with Retry-After and places nothing', async () => {
    const ds = app!.get(DataSource);
    const pool = poolOf(ds);
    const held: PoolClient[] = [];
    const key = randomUUID();
    const post = () =>
      fetch(`${base}/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(orderBody()),
      });
    try {
      // Every connection of the pool in use, as under a burst of requests (the consumer groups and the relay hold theirs).
      while (pool.totalCount < pool.options.max! || pool.idleCount > 0) held.push(await pool.connect());
      const refused = await post();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toMatchObject({ statusCode: 503, code: 'DATABASE.UNAVAILABLE' });
    } finally {
      held.forEach((client) => client.release());
    }
    const placed = await post();
    expect(placed.status).toBe(201);
    const { id } = (await placed.json()) as { id: string };
    orderIds.push(id);
    // The refused request left nothing behind: the key names the one order placed after it.
    expect(await ds.query(`SELECT count(*)::int AS n FROM orders WHERE customer_id = $1 AND idempotency_key = $2`, [alice, key])).toEqual([{ n: 1 }]);
  });

  it('moves an order along the happy path on payment, store and delivery events, and myPage follows', async () => {
    const orderId = (deliveredOrder = await place());
    const events = saga(orderId);
    // The store is recorded before payment: a store app running on the shared topics would answer our PaymentApproved
    // for a product it does not know with StockReservationFailed, which the recorded store fact then outweighs.
    await events.received();
    for (const [step, status] of [
      [events.paid, 'RECEIVED'],
      [events.accepted, 'ACCEPTED'],
      [events.shipped, 'SHIPPING'],
      [events.delivered, 'DELIVERED'],
    ] as const) {
      await step();
      await eventually(`order ${status}`, () => statusOf(orderId), (o) => o.status === status);
    }
    const myPage = await eventually('myPage to show the delivery', () => myPageOf(orderId), (p) => p.status === 'DELIVERED' && p.history?.length >= 6);
    expect(myPage).toEqual({
      orderId,
      status: 'DELIVERED',
      paymentStatus: 'APPROVED',
      deliveryStatus: 'COMPLETED',
      totalAmount: 800,
      pointsUsed: 0,
      pointsEarned: 0,
      items: [{ productId: washer, name: 'Washer', unitPrice: 800, quantity: 1 }],
      updatedAt: expect.any(String),
      history: expect.arrayContaining(
        ['OrderPlaced', 'StoreOrderReceived', 'PaymentApproved', 'OrderAccepted', 'DeliveryStarted', 'DeliveryCompleted'].map((eventType) => ({
          eventType,
          occurredAt: expect.any(String),
        })),
      ),
    });
    const list = await call('GET', '/mypage', aliceToken);
    expect(list.body.orders.map((o: { orderId: string }) => o.orderId)).toContain(orderId);
  });

  it('pages through myPage, most recently changed first, with a cursor; 400 for a bad limit or cursor', async () => {
    const all = await call('GET', '/mypage?limit=100', aliceToken);
    expect(all.status).toBe(200);
    const orders = all.body.orders as { orderId: string; updatedAt: string; status: string }[];
    expect(orders.length).toBeGreaterThanOrEqual(3);
    const keys = orders.map((o) => `${o.updatedAt}|${o.orderId}`);
    expect(keys).toEqual([...keys].sort().reverse());

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await call('GET', `/mypage?limit=2${cursor ? `&before=${cursor}` : ''}`, aliceToken);
      expect(page.status).toBe(200);
      expect(page.body.orders.length).toBeLessThanOrEqual(2);
      paged.push(...page.body.orders.map((o: { orderId: string }) => o.orderId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(orders.map((o) => o.orderId));

    const bobs = await call('GET', '/mypage', bobToken);
    expect(bobs.body.orders.map((o: { orderId: string }) => o.orderId)).not.toContain(orders[0].orderId);
    expect(await call('GET', '/mypage?limit=0', aliceToken)).toMatchObject({ status: 400, body: { code: 'REQUEST.VALIDATION_FAILED' } });
    expect(await call('GET', '/mypage?limit=201', aliceToken)).toMatchObject({ status: 400, body: { code: 'REQUEST.VALIDATION_FAILED', fields: [{ field: 'limit' }] } });
    expect((await call('GET', '/mypage?limit=200', aliceToken)).body.orders).toEqual(orders);
    expect(await call('GET', '/mypage?before=bm9wZQ', aliceToken)).toMatchObject({ status: 400, body: { code: 'MYPAGE.INVALID_CURSOR' } });

    // Of one status only, in the same order, and paged the same way.
    const delivered = (await call('GET', '/mypage?status=DELIVERED&limit=100', aliceToken)).body.orders as { orderId: string }[];
    expect(delivered.map((o) => o.orderId)).toEqual(orders.filter((o) => o.status === 'DELIVERED').map((o) => o.orderId));
    expect(delivered.map((o) => o.orderId)).toContain(deliveredOrder);
    const firstDelivered = await call('GET', '/mypage?status=DELIVERED&limit=1', aliceToken);
    expect(firstDelivered.body.orders.map((o: { orderId: string }) => o.orderId)).toEqual([delivered[0].orderId]);
    expect(firstDelivered.body.nextCursor === null).toBe(delivered.length === 1);
    expect(await call('GET', '/mypage?status=LOST', aliceToken)).toMatchObject({ status: 400, body: { code: 'REQUEST.VALIDATION_FAILED' } });
  });

  it('rejects an order whose payment failed, with the reason', async () => {
    const orderId = await place('tok_decline'); // a payment app running on the shared topics declines it too
    await saga(orderId).declined();
    const order = await eventually('order REJECTED', () => statusOf(orderId), (o) => o.status === 'REJECTED');
    expect(order).toMatchObject({ statusReason: 'PAYMENT_FAILED', totalAmount: 800 });
    await eventually('myPage REJECTED', () => myPageOf(orderId), (p) => p.status === 'REJECTED' && p.paymentStatus === 'FAILED');
  });

  it('cancels: 202 CANCELING, then CANCELED once payment and store settled; the same answer to a retried cancel; 409 when no longer cancelable; 404 for others', async () => {
    const orderId = await place();
    expect(await call('POST', `/orders/${orderId}/cancel`, bobToken)).toMatchObject({ status: 404, body: { code: 'ORDER.NOT_FOUND' } });
    expect((await call('GET', `/orders/${orderId}`, bobToken)).status).toBe(404);
    expect((await call('POST', `/orders/not-a-uuid/cancel`, aliceToken)).status).toBe(404);
    expect(await call('POST', `/orders/${orderId}/cancel`, aliceToken)).toEqual({ status: 202, body: { id: orderId, status: 'CANCELING' } });
    // A retry after a lost answer: the same answer, and OrderCanceled announced once.
    expect(await call('POST', `/orders/${orderId}/cancel`, aliceToken)).toEqual({ status: 202, body: { id: orderId, status: 'CANCELING' } });
    await saga(orderId).storeCanceled();
    await saga(orderId).declined();
    await eventually('order CANCELED', () => statusOf(orderId), (o) => o.status === 'CANCELED');
    expect(await call('POST', `/orders/${orderId}/cancel`, aliceToken)).toEqual({ status: 202, body: { id: orderId, status: 'CANCELED' } });
    const canceledEvents = async () => (await readWholeTopic(kafka, Topics.Order)).map((m) => decodeEnvelope(m.value)).filter((e) => e.orderId === orderId && e.eventType === 'OrderCanceled');
    expect(await eventually('OrderCanceled on the wire', canceledEvents, (l) => l.length >= 1)).toHaveLength(1);
    await eventually('myPage CANCELED', () => myPageOf(orderId), (p) => p.status === 'CANCELED' && p.history?.map((h: any) => h.eventType).includes('OrderCanceled'));
    expect((await call('GET', `/mypage/orders/${orderId}`, bobToken)).status).toBe(404);

    expect(await call('POST', `/orders/${deliveredOrder}/cancel`, aliceToken)).toMatchObject({ status: 409, body: { code: 'ORDER.NOT_CANCELABLE' } });
  });

  describe('spending points', () => {
    /** Dave's order of `fridges` fridges (2,000 each) spending `pointsToUse`: 201, or the failed answer. */
    const placeSpending = async (pointsToUse: number, fridges = 1, headers: Record<string, string> = {}) => {
      const res = await call('POST', '/orders', daveToken, { ...orderBody([{ productId: fridge, quantity: fridges }]), pointsToUse }, headers);
      if (res.status === 201) daveOrderIds.push(res.body.id);
      return res;
    };
    const daveOrder = async (orderId: string) => (await call('GET', `/orders/${orderId}`, daveToken)).body;
    const daveMyPage = async (orderId: string) => (await call('GET', `/mypage/orders/${orderId}`, daveToken)).body;
    const mileage = (orderId: string, points: number) => ({
      reserved: () => publish(PointsReserved, { customerId: dave, orderId, points, balance: 5000 - points }),
      refused: () => publish(PointsReservationFailed, { customerId: dave, orderId, points, balance: 0, reason: 'INSUFFICIENT_POINTS' }),
      released: (cause: 'ORDER_REJECTED' | 'ORDER_CANCELED') => publish(PointsReleased, { customerId: dave, orderId, points, balance: 5000, cause }),
      earned: (earned: number) => publish(PointsEarned, { customerId: dave, orderId, reason: 'ORDER', points: earned, balance: 5000 - points + earned }),
    });
    const voided = (orderId: string) => publish(PaymentVoided, { paymentId: randomUUID(), orderId, customerId: dave, cause: 'ORDER_CANCELED' });

    it('places an order spending points: 201 with pointsUsed and amountDue, announced on OrderPlaced, shown by GET /orders', async () => {
      const placed = await placeSpending(1500, 2);
      expect(placed).toEqual({
        status: 201,
        body: {
          id: expect.any(String),
          status: 'PENDING',
          items: [{ productId: fridge, name: 'Fridge', unitPrice: 2000, quantity: 2 }],
          totalAmount: 4000,
          pointsUsed: 1500,
          amountDue: 2500,
          createdAt: expect.any(String),
        },
      });
      expect(await daveOrder(placed.body.id)).toMatchObject({ status: 'PENDING', totalAmount: 4000, pointsUsed: 1500, amountDue: 2500 });
      expect((await call('GET', '/orders', daveToken)).body.orders.find((o: { id: string }) => o.id === placed.body.id)).toMatchObject({ pointsUsed: 1500, amountDue: 2500 });
      const ds = app!.get(DataSource);
      await eventually('the outbox to drain', async () => (await ds.query(`SELECT count(*)::int AS n FROM outbox`))[0].n, (n) => n === 0);
      const announced = (await readWholeTopic(kafka, Topics.Order)).map((m) => decodeEnvelope(m.value)).filter((e) => e.orderId === placed.body.id);
      expect(announced.map((e) => [e.eventType, (e.payload as Record<string, unknown>).pointsUsed, (e.payload as Record<string, unknown>).amountDue])).toEqual([
        ['OrderPlaced', 1500, 2500],
      ]);
      // All of it in points: nothing is left to charge.
      expect((await placeSpending(2000)).body).toMatchObject({ totalAmount: 2000, pointsUsed: 2000, amountDue: 0 });
    });

    it('refuses more points than the order costs (400 ORDER.INVALID_POINTS) and a bad pointsToUse (400), placing nothing', async () => {
      const before = (await call('GET', '/orders', daveToken)).body.orders.length;
      expect(await placeSpending(2001)).toEqual({ status: 400, body: { statusCode: 400, code: 'ORDER.INVALID_POINTS', message: expect.stringContaining('2001') } });
      for (const pointsToUse of [-1, 1.5, '100', 1e20]) {
        const res = await call('POST', '/orders', daveToken, { ...orderBody([{ productId: fridge, quantity: 1 }]), pointsToUse });
        expect([pointsToUse, res.status, res.body.code, res.body.fields?.map((f: { field: string }) => f.field)]).toEqual([pointsToUse, 400, 'REQUEST.VALIDATION_FAILED', ['pointsToUse']]);
      }
      expect((await call('GET', '/orders', daveToken)).body.orders.length).toBe(before);
    });

    it('answers a retry with the same Idempotency-Key with the first order, whatever pointsToUse the retry asks', async () => {
      const key = randomUUID();
      const first = await placeSpending(300, 1, { 'idempotency-key': key });
      expect(first.body).toMatchObject({ pointsUsed: 300, amountDue: 1700 });
      expect(await placeSpending(300, 1, { 'idempotency-key': key })).toEqual(first);
      expect(await placeSpending(0, 1, { 'idempotency-key': key })).toEqual(first);
      daveOrderIds.splice(-2); // the same order, counted once
    });

    it('is REJECTED with POINTS_UNAVAILABLE when mileage refuses the points, and can no longer be canceled', async () => {
      const { body } = await placeSpending(5500, 3); // more than a new wallet's 5,000: a live mileage refuses too
      await mileage(body.id, 5500).refused();
      expect(await eventually('order REJECTED', () => daveOrder(body.id), (o) => o.status === 'REJECTED')).toMatchObject({ statusReason: 'POINTS_UNAVAILABLE', pointsUsed: 5500, amountDue: 500 });
      expect(await call('POST', `/orders/${body.id}/cancel`, daveToken)).toMatchObject({ status: 409, body: { code: 'ORDER.NOT_CANCELABLE' } });
      await eventually('myPage REJECTED', () => daveMyPage(body.id), (p) => p.status === 'REJECTED' && p.paymentStatus === 'NONE' && p.pointsUsed === 5500);
    });

    it('ends CANCELED, not REJECTED, when the cancel came before mileage refused the points: payment voided, the store confirmed', async () => {
      const { body } = await placeSpending(5500, 3);
      expect((await call('POST', `/orders/${body.id}/cancel`, daveToken)).status).toBe(202);
      await mileage(body.id, 5500).refused();
      await saga(body.id, dave).storeCanceled();
      await eventually('order still CANCELING', () => daveOrder(body.id), (o) => o.status === 'CANCELING');
      await voided(body.id);
      expect(await eventually('order CANCELED', () => daveOrder(body.id), (o) => o.status === 'CANCELED')).toMatchObject({ statusReason: null });
      await eventually('myPage CANCELED', () => daveMyPage(body.id), (p) => p.status === 'CANCELED' && p.paymentStatus === 'NONE' && p.history.some((h: { eventType: string }) => h.eventType === 'PaymentVoided'));
    });

    it('waits with CANCELED for the points of a canceled order to come back', async () => {
      const { body } = await placeSpending(100);
      expect((await call('POST', `/orders/${body.id}/cancel`, daveToken)).status).toBe(202);
      const points = mileage(body.id, 100);
      await points.reserved();
      await voided(body.id);
      await saga(body.id, dave).storeCanceled();
      await eventually('payment and store settled', () => daveMyPage(body.id), (p) => ['PaymentVoided', 'StoreOrderCanceled'].every((t) => p.history?.some((h: { eventType: string }) => h.eventType === t)));
      expect(await daveOrder(body.id)).toMatchObject({ status: 'CANCELING' });
      await points.released('ORDER_CANCELED');
      await eventually('order CANCELED', () => daveOrder(body.id), (o) => o.status === 'CANCELED');
      await eventually('myPage CANCELED', () => daveMyPage(body.id), (p) => p.status === 'CANCELED');
    });

    it('delivers an order paid partly with points; myPage shows the points it used and earned', async () => {
      const { body } = await placeSpending(300);
      const points = mileage(body.id, 300);
      const events = saga(body.id, dave);
      await points.reserved();
      await events.received(); // before payment, as on the happy path above
      for (const [step, status] of [
        [events.paid, 'RECEIVED'],
        [events.accepted, 'ACCEPTED'],
        [events.shipped, 'SHIPPING'],
        [events.delivered, 'DELIVERED'],
      ] as const) {
        await step();
        await eventually(`order ${status}`, () => daveOrder(body.id), (o) => o.status === status);
      }
      await points.earned(17);
      const myPage = await eventually('myPage to show the points earned', () => daveMyPage(body.id), (p) => p.pointsEarned === 17);
      expect(myPage).toMatchObject({ status: 'DELIVERED', totalAmount: 2000, pointsUsed: 300, pointsEarned: 17 });
      expect(myPage.history.map((h: { eventType: string }) => h.eventType)).toEqual(expect.arrayContaining(['PointsReserved', 'PointsEarned']));
      expect((await call('GET', '/mypage', daveToken)).body.orders.find((o: { orderId: string }) => o.orderId === body.id)).toMatchObject({ pointsUsed: 300, pointsEarned: 17 });
    });

    it('takes the welcome points in its myPage group without a row or a dead letter: they name no order', async () => {
      const [welcome] = await publish(PointsEarned, { customerId: dave, reason: 'WELCOME', points: 5000, balance: 5000 });
      const ds = app!.get(DataSource);
      await eventually(
        'myPage to take the welcome points',
        async () => (await ds.query(`SELECT consumer_group FROM inbox WHERE event_id = $1`, [welcome.eventId])).map((r: { consumer_group: string }) => r.consumer_group),
        (groups) => groups.includes(ConsumerGroups.myPage),
      );
      expect(await ds.query(`SELECT count(*)::int AS n FROM mypage_orders WHERE customer_id = $1 AND order_id <> ALL($2::uuid[])`, [dave, daveOrderIds])).toEqual([{ n: 0 }]);
      const dlq = deadLetterTopic(Topics.Mileage, ConsumerGroups.myPage);
      const dead = (await kafkaTopics()).includes(dlq) ? (await readWholeTopic(kafka, dlq)).filter((m) => decodeEnvelope(m.value).eventId === welcome.eventId) : [];
      expect(dead).toEqual([]);
    });
  });

  it('lists only the customer own orders', async () => {
    const page = (await call('GET', '/orders', aliceToken)).body;
    expect(page.nextCursor).toBeNull();
    const mine = page.orders;
    expect(mine.map((o: { id: string }) => o.id).sort()).toEqual([...orderIds].sort());
    expect(mine[0]).toEqual({
      id: expect.any(String),
      status: expect.any(String),
      statusReason: null,
      items: expect.any(Array),
      totalAmount: expect.any(Number),
      pointsUsed: 0,
      amountDue: expect.any(Number),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('pages through GET /orders newest first while orders keep being placed: none skipped or repeated, 50 a page unless told, at most 200; 400 for a bad limit or cursor', async () => {
    const carol = randomUUID();
    const carolToken = await issuer.token(carol);
    const get = (path: string) => call('GET', path, carolToken);
    const placeForCarol = async () => expect((await call('POST', '/orders', carolToken, orderBody())).status).toBe(201);
    // 180 orders of one millisecond, three to each of its microseconds 5 apart (a cursor to the millisecond would skip
    // rows, and ties are ordered by id), and 25 placed as customers do (created_at is the transaction's start).
    await app!.get(DataSource).query(
      `INSERT INTO orders (id, customer_id, items, total_amount, delivery_address, delivery_phone, payment, store, delivery, cancel_requested, status, created_at, updated_at)
       SELECT gen_random_uuid(), $1, '[]', 800, 'Seoul', '010', 'APPROVED', 'ACCEPTED', 'COMPLETED', false, 'DELIVERED', t, t
       FROM (SELECT date_trunc('milliseconds', now()) - interval '1 second' + (i / 3) * interval '5 microseconds' AS t FROM generate_series(0, 179) i) AS s`,
      [carol],
    );
    for (let batch = 0; batch < 5; batch++) await Promise.all(Array.from({ length: 5 }, placeForCarol));

    const all = await walkPages<{ id: string; createdAt: string }>(get, '/orders', 'orders', { limit: 200 });
    expect(all.pages).toEqual([200, 5]);
    expect(new Set(all.rows.map((o) => o.id)).size).toBe(205);
    const createdAt = all.rows.map((o) => o.createdAt);
    expect(createdAt).toEqual([...createdAt].sort().reverse());

    // 7 a page (pages end inside the millisecond and inside ties), an order placed after each page.
    const walk = await walkPages<{ id: string }>(get, '/orders', 'orders', { limit: 7, between: placeForCarol });
    expect(walk.rows.map((o) => o.id)).toEqual(all.rows.map((o) => o.id)); // none skipped, none repeated, none of the newer
    expect(walk.pages).toEqual([...Array(29).fill(7), 2]);

    // 50 a page unless told, the next page from the cursor, the newest orders first.
    const now = await walkPages<{ id: string }>(get, '/orders', 'orders', { limit: 200 });
    expect(now.rows.slice(29).map((o) => o.id)).toEqual(all.rows.map((o) => o.id));
    expect((await walkPages(get, '/orders', 'orders')).pages).toEqual([50, 50, 50, 50, 34]);
    const firstPage = (await get('/orders')).body;
    expect((await get(`/orders?before=${firstPage.nextCursor}&limit=3`)).body.orders.map((o: { id: string }) => o.id)).toEqual(now.rows.slice(50, 53).map((o) => o.id));
    for (const limit of ['0', '201', 'ten']) {
      expect([limit, await get(`/orders?limit=${limit}`)]).toEqual([
        limit,
        { status: 400, body: expect.objectContaining({ code: 'REQUEST.VALIDATION_FAILED', fields: [expect.objectContaining({ field: 'limit' })] }) },
      ]);
    }
    for (const before of ['bm9wZQ', `${firstPage.nextCursor}x`, Buffer.from('2026-11-22T10:00:00.000Z|not-an-id').toString('base64url')]) {
      expect([before, await get(`/orders?before=${before}`)]).toEqual([before, { status: 400, body: expect.objectContaining({ code: 'ORDER.INVALID_CURSOR' }) }]);
    }
    // Nobody else's orders on any page.
    expect((await walkPages<{ id: string }>((path) => call('GET', path, aliceToken), '/orders', 'orders')).rows.some((o) => now.rows.some((c) => c.id === o.id))).toBe(false);
  });

  it('dead-letters an event for an order it does not have', async () => {
    const ghost = randomUUID();
    await saga(ghost).paid();
    const dlq = deadLetterTopic(Topics.Payment, ConsumerGroups.saga);
    const dead = await eventually('the dead letter', async () => {
      const topics = await kafkaTopics();
      return topics.includes(dlq) ? (await readWholeTopic(kafka, dlq)).filter((m) => decodeEnvelope(m.value).orderId === ghost) : [];
    }, (m) => m.length === 1);
    expect(dead[0].headers?.['dlq-reason']?.toString()).toContain(ghost);
  });

  it('moves many orders from one burst of events (runs), and dead-letters only the event of an order it does not have', async () => {
    const ids = await Promise.all(Array.from({ length: 8 }, () => place()));
    const ghost = randomUUID();
    const items = [{ productId: washer, name: 'Washer', unitPrice: 800, quantity: 1 }];
    const paid = (orderId: string) => ({ paymentId: randomUUID(), orderId, customerId: alice, amount: 800, items, deliveryAddress: 'Seoul', deliveryPhone: '010' });
    // One producer batch each: several events of a partition reach the consumer together.
    await publish(PaymentApproved, ...ids.map(paid), paid(ghost));
    await publish(StoreOrderReceived, ...ids.map((orderId) => ({ storeOrderId: randomUUID(), orderId, customerId: alice, items: [{ productId: washer, quantity: 1 }] })));
    for (const id of ids) await eventually(`order ${id} RECEIVED`, () => statusOf(id), (o) => o.status === 'RECEIVED');
    const dlq = deadLetterTopic(Topics.Payment, ConsumerGroups.saga);
    const dead = await eventually('the dead letter of the unknown order', async () => {
      const topics = await kafkaTopics();
      return topics.includes(dlq) ? (await readWholeTopic(kafka, dlq)).map((m) => decodeEnvelope(m.value).orderId) : [];
    }, (orders) => orders.includes(ghost));
    expect(dead.filter((orderId) => ids.includes(orderId!))).toEqual([]);
  });

  it('rebuilds myPage from the topics to exactly the live read model', async () => {
    const ds = app!.get(DataSource);
    const rebuilt = [...orderIds, ...daveOrderIds];
    const live = await new MyPageStore().find(ds.manager, rebuilt);
    expect(live).toHaveLength(rebuilt.length);
    await app!.close();
    app = undefined;

    const rebuildDb = new DataSource({ type: 'postgres', url: databaseUrl(SERVER_URL, database) });
    await rebuildDb.initialize();
    try {
      const result = await rebuildMyPage({ dataSource: rebuildDb, driver: kafka, group: ConsumerGroups.myPage });
      expect(result.events).toBeGreaterThanOrEqual(rebuilt.length);
      expect(await new MyPageStore().find(rebuildDb.manager, rebuilt)).toEqual(live);
      // The live group carries on from where the rebuild ended.
      const admin = kafka.admin();
      await admin.connect();
      const committed = await admin.groupOffsets(ConsumerGroups.myPage, MYPAGE_TOPICS);
      await admin.disconnect();
      expect(committed.map((t) => [t.topic, t.partitions.map((p) => p.offset).sort()])).toEqual(
        MYPAGE_TOPICS.map((topic) => [topic, result.ends[topic].map((p) => p.offset).sort()]),
      );
    } finally {
      await rebuildDb.destroy();
    }
  }, 300_000); // a rebuild replays every event the topics hold: on a long-lived dev broker that history grows

  const kafkaTopics = async () => {
    const admin = kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    return topics;
  };

  const issuerlessStoreToken = () => 'not-a-token';
});
