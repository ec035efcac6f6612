import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  EnvelopeHeaders,
  EventEnvelope,
  OrderAccepted,
  OrderAcceptedPayload,
  StoreOrderCanceled,
  StoreOrderCanceledPayload,
  Topics,
} from '@homestore/events';
import { inLanes } from '@homestore/messaging';
import { UnitOfWork } from '@homestore/persistence';
import { CancelDelivery } from '../src/application/cancel-delivery';
import { StartDelivery } from '../src/application/start-delivery';
import { DeliveryConfig } from '../src/delivery.config';
import { DeliveryModule } from '../src/delivery.module';
import { call, createTopics, dropDatabase, eventsOfKey, eventually, outboxDrained, readWholeTopic, startApp, TestIssuer, TestPublisher } from '@homestore/testing';

/** What the store says about an order: the clerk accepted it, or the store canceled it. */
type StoreEvent = EventEnvelope<OrderAcceptedPayload> | EventEnvelope<StoreOrderCanceledPayload>;

function anAcceptedOrder(): OrderAcceptedPayload {
  return {
    storeOrderId: randomUUID(),
    orderId: randomUUID(),
    customerId: randomUUID(),
    items: [{ productId: randomUUID(), quantity: 1 }],
    deliveryAddress: 'Seoul, Gangnam-gu, Teheran-ro 123',
    deliveryPhone: '010-1234-5678',
  };
}

describe('delivery service (real Kafka and PostgreSQL)', () => {
  const database = `hs_delivery_${randomUUID().slice(0, 8)}`;
  const issuer = new TestIssuer();
  const publisher = new TestPublisher();
  let app: INestApplication;
  let base: string;
  let close: () => Promise<void>;
  let store: string;

  /** Everything published for the order so far (once the outbox has drained). */
  const deliveryEvents = async (orderId: string) => {
    await outboxDrained(app.get(DataSource));
    return eventsOfKey(publisher.driver, Topics.Delivery, orderId);
  };
  const handled = (...events: EventEnvelope[]) =>
    eventually(
      'the events to be handled',
      async () => (await app.get(DataSource).query(`SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1)`, [events.map((e) => e.eventId)]))[0].n,
      (n) => n === events.length,
    );
  const accepted = async (order: OrderAcceptedPayload) => handled(await publisher.publish(OrderAccepted, order));
  const storeCanceled = async (order: OrderAcceptedPayload) =>
    handled(await publisher.publish(StoreOrderCanceled, { storeOrderId: order.storeOrderId, orderId: order.orderId, customerId: order.customerId, stockReleased: true }));
  const acceptance = (order: OrderAcceptedPayload) => publisher.envelope(OrderAccepted, order);
  const storeCancellation = (order: OrderAcceptedPayload) =>
    publisher.envelope(StoreOrderCanceled, { storeOrderId: order.storeOrderId, orderId: order.orderId, customerId: order.customerId, stockReleased: true });
  /** Publishes the events in one request, so that they reach the consumer together (runs), each key's in this order. */
  const publishTogether = async (events: StoreEvent[]) => {
    const producer = publisher.driver.producer();
    await producer.connect();
    try {
      await producer.send([{
        topic: Topics.Store,
        messages: events.map((e) => ({
          key: e.payload.orderId,
          value: JSON.stringify(e),
          headers: { [EnvelopeHeaders.eventType]: e.eventType, [EnvelopeHeaders.eventId]: e.eventId, [EnvelopeHeaders.correlationId]: e.correlationId },
        })),
      }]);
    } finally {
      await producer.disconnect();
    }
  };
  /** Every event published on delivery.events.v1 so far, by order, each order's in the order published. */
  const deliveryEventsByOrder = async () => {
    await outboxDrained(app.get(DataSource));
    const byOrder = new Map<string, string[]>();
    for (const m of await readWholeTopic(publisher.driver, Topics.Delivery)) {
      const orderId = m.key!.toString();
      byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), (JSON.parse(m.value!.toString()) as EventEnvelope).eventType]);
    }
    return byOrder;
  };
  const statusOf = async (orders: OrderAcceptedPayload[]) => {
    const rows: { order_id: string; status: string }[] = await app
      .get(DataSource)
      .query(`SELECT order_id, status FROM deliveries WHERE order_id = ANY($1)`, [orders.map((o) => o.orderId)]);
    return new Map(rows.map((r) => [r.order_id, r.status]));
  };
  const deliveryOf = async (order: OrderAcceptedPayload, token?: string) => call(base, 'GET', `/deliveries/${order.orderId}`, token ?? (await issuer.token(order.customerId)));
  const complete = (order: OrderAcceptedPayload, token = store) => call(base, 'POST', `/deliveries/${order.orderId}/complete`, token);

  beforeAll(async () => {
    await issuer.start();
    await publisher.connect();
    await createTopics(publisher.driver, [Topics.Store, Topics.Delivery]);
    ({ app, base, close } = await startApp('delivery', DeliveryConfig, (c) => DeliveryModule.register(c), { DATABASE_NAME: database, AUTH_JWKS_URL: issuer.jwksUrl }));
    store = await issuer.token(randomUUID(), 'store');
  });

  afterAll(async () => {
    await close?.();
    await publisher.disconnect();
    await issuer.stop();
    await dropDatabase(database);
  });

  it('starts a delivery for an accepted order, once however often OrderAccepted arrives, and completes it', async () => {
    const order = anAcceptedOrder();
    const envelope = publisher.envelope(OrderAccepted, order);
    await publisher.send(OrderAccepted, envelope);
    await publisher.send(OrderAccepted, envelope);
    await handled(envelope, await publisher.publish(OrderAccepted, order));
    expect(await deliveryOf(order)).toEqual({
      status: 200,
      body: { orderId: order.orderId, status: 'STARTED', address: order.deliveryAddress, updatedAt: expect.any(String) },
    });

    expect(await complete(order)).toMatchObject({ status: 200, body: { orderId: order.orderId, status: 'COMPLETED' } });
    expect(await complete(order)).toMatchObject({ status: 200, body: { status: 'COMPLETED' } }); // a clerk's retry: no second event
    expect((await deliveryOf(order)).body.status).toBe('COMPLETED');

    const events = await deliveryEvents(order.orderId);
    expect(events.map((e) => e.eventType)).toEqual(['DeliveryStarted', 'DeliveryCompleted']);
    expect(events[0]).toMatchObject({ aggregateType: 'delivery', producer: 'delivery', orderId: order.orderId, payload: { orderId: order.orderId, customerId: order.customerId } });
    expect(events[1].payload).toEqual(events[0].payload);
  });

  it('cancels a delivery under way when the store cancels the order (DeliveryCanceled), once', async () => {
    const order = anAcceptedOrder();
    await accepted(order);
    await storeCanceled(order);
    await storeCanceled(order);
    expect((await deliveryOf(order)).body).toMatchObject({ status: 'CANCELED', address: order.deliveryAddress });
    expect(await complete(order)).toMatchObject({ status: 409, body: { statusCode: 409, code: 'DELIVERY.NOT_STARTED' } });
    const events = await deliveryEvents(order.orderId);
    expect(events.map((e) => e.eventType)).toEqual(['DeliveryStarted', 'DeliveryCanceled']);
  });

  it('never starts a delivery for an order the store canceled before delivery saw it accepted', async () => {
    const order = anAcceptedOrder();
    await storeCanceled(order);
    await accepted(order);
    expect((await deliveryOf(order)).status).toBe(404);
    expect(await complete(order)).toMatchObject({ status: 409, body: { code: 'DELIVERY.NOT_STARTED' } });
    const rows = await app.get(DataSource).query(`SELECT status FROM deliveries WHERE order_id = $1`, [order.orderId]);
    expect(rows).toEqual([{ status: 'VOIDED' }]);
  });

  it('answers 409 DELIVERY.NOT_STARTED to completing an unknown order, and lets only the store complete', async () => {
    const order = anAcceptedOrder();
    expect(await complete(order)).toMatchObject({ status: 409, body: { code: 'DELIVERY.NOT_STARTED' } });
    await accepted(order);
    expect(await complete(order, await issuer.token(order.customerId))).toMatchObject({ status: 403 });
    expect((await deliveryOf(order)).body.status).toBe('STARTED');
  });

  it('shows a delivery to its owner and the store, and 404 to another customer', async () => {
    const order = anAcceptedOrder();
    await accepted(order);
    expect((await deliveryOf(order, store)).body).toMatchObject({ orderId: order.orderId, status: 'STARTED' });
    expect(await deliveryOf(order, await issuer.token(randomUUID()))).toEqual({
      status: 404,
      body: { statusCode: 404, code: 'DELIVERY.NOT_FOUND', message: expect.any(String) },
    });
    expect((await call(base, 'GET', '/deliveries/not-an-order', store)).body).toMatchObject({ statusCode: 404, code: 'DELIVERY.NOT_FOUND' });
    expect((await call(base, 'POST', '/deliveries/not-an-order/complete', store)).body).toMatchObject({ statusCode: 409, code: 'DELIVERY.NOT_STARTED' });
  });

  it('follows a burst of store events that arrived together exactly as one at a time would, each order in its own order', async () => {
    const orders = Array.from({ length: 30 }, anAcceptedOrder);
    const canceledUnderWay = orders.slice(0, 6);
    const canceledFirst = Array.from({ length: 5 }, anAcceptedOrder);
    const redelivered = orders[20];
    const burst: StoreEvent[] = [
      ...canceledFirst.slice(0, 3).map(storeCancellation),
      ...orders.slice(0, 15).map(acceptance),
      ...canceledUnderWay.slice(0, 3).map(storeCancellation),
      ...canceledFirst.slice(3).map(storeCancellation),
      ...orders.slice(15).map(acceptance),
      ...canceledFirst.map(acceptance),
      acceptance(redelivered), // the same acceptance again, under a new eventId
      ...canceledUnderWay.slice(3).map(storeCancellation),
      storeCancellation(canceledUnderWay[0]), // and a cancel again
    ];
    await publishTogether(burst);
    await handled(...burst);

    // Handled in runs: many events per transaction (the inbox rows of one transaction share its start time).
    const [{ transactions }] = await app
      .get(DataSource)
      .query(`SELECT count(DISTINCT handled_at)::int AS transactions FROM inbox WHERE event_id = ANY($1)`, [burst.map((e) => e.eventId)]);
    expect(transactions).toBeLessThan(burst.length / 2);

    const published = await deliveryEventsByOrder();
    const expected = (order: OrderAcceptedPayload) =>
      canceledFirst.includes(order) ? undefined : canceledUnderWay.includes(order) ? ['DeliveryStarted', 'DeliveryCanceled'] : ['DeliveryStarted'];
    for (const order of [...orders, ...canceledFirst]) expect({ order: order.orderId, events: published.get(order.orderId) }).toEqual({ order: order.orderId, events: expected(order) });
    // Decided in runs, each fact still names the store event that caused it and keeps its correlation.
    const causes = new Map<string, StoreEvent>(burst.map((e) => [e.eventId, e]));
    const ours = new Set(orders.map((o) => o.orderId));
    const facts = (await readWholeTopic(publisher.driver, Topics.Delivery)).map((m) => JSON.parse(m.value!.toString()) as EventEnvelope).filter((e) => ours.has(e.orderId!));
    expect(facts.length).toBeGreaterThan(30);
    for (const fact of facts) expect(causes.get(fact.causationId)).toMatchObject({ correlationId: fact.correlationId, payload: { orderId: fact.orderId } });

    const status = await statusOf([...orders, ...canceledFirst]);
    const expectedStatus = (order: OrderAcceptedPayload) => (canceledFirst.includes(order) ? 'VOIDED' : canceledUnderWay.includes(order) ? 'CANCELED' : 'STARTED');
    expect(status).toEqual(new Map([...orders, ...canceledFirst].map((o) => [o.orderId, expectedStatus(o)])));
    expect((await deliveryOf(canceledFirst[0])).status).toBe(404);
    expect(await complete(orders[29])).toMatchObject({ status: 200, body: { status: 'COMPLETED' } });
  });

  it('follows a run of store events in four statements however long it is: lock, read, write the deliveries, write the events', async () => {
    const orders = Array.from({ length: 40 }, anAcceptedOrder);
    const canceledFirst = anAcceptedOrder();
    const run: StoreEvent[] = [
      storeCancellation(canceledFirst),
      ...orders.map(acceptance),
      ...orders.slice(0, 10).map(storeCancellation),
      acceptance(orders[39]),
      acceptance(canceledFirst),
    ];
    const statements: string[] = [];
    const followed = await app.get(DataSource).transaction(async (em) => {
      const runner = em.queryRunner!;
      const query = runner.query.bind(runner);
      runner.query = ((sql: string, ...rest: unknown[]) => {
        statements.push(sql);
        return (query as (...args: unknown[]) => Promise<unknown>)(sql, ...rest);
      }) as typeof runner.query;
      // As the consumer runs a run: one unit of work, each order's events in order, the orders side by side.
      const work = new UnitOfWork(em);
      await inLanes(run, (e) => e.payload.orderId, (e) =>
        e.eventType === OrderAccepted.type
          ? app.get(StartDelivery).execute(work, e.payload as OrderAcceptedPayload)
          : app.get(CancelDelivery).execute(work, e.payload as StoreOrderCanceledPayload),
      );
      await work.flush();
      return [...statements];
    });
    expect(followed).toEqual([
      expect.stringContaining('pg_advisory_xact_lock'),
      expect.stringMatching(/^SELECT .* FROM "deliveries"/),
      expect.stringMatching(/^INSERT INTO "deliveries"/),
      expect.stringMatching(/^INSERT INTO outbox/),
    ]);

    const status = await statusOf([...orders, canceledFirst]);
    expect([...status.values()].filter((s) => s === 'CANCELED')).toHaveLength(10);
    expect([...status.values()].filter((s) => s === 'STARTED')).toHaveLength(30);
    expect(status.get(canceledFirst.orderId)).toBe('VOIDED');
    const published = await deliveryEventsByOrder();
    expect(published.get(orders[0].orderId)).toEqual(['DeliveryStarted', 'DeliveryCanceled']);
    expect(published.get(orders[39].orderId)).toEqual(['DeliveryStarted']);
    expect(published.get(canceledFirst.orderId)).toBeUndefined();
  });
});
