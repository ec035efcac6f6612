import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventDefinition, EventEnvelope, OrderCanceled, PaymentApproved, PayloadOf, Topics } from '@homestore/events';
import { inLanes, KafkaDriver, watchFromNow } from '@homestore/messaging';
import { inUnitOfWork, UnitOfWork } from '@homestore/persistence';
import { call as callApp, createTopics, dropDatabase, eventually, startApp, TestIssuer, TestPublisher, walkPages } from '@homestore/testing';
import { eventFixture } from '../../../libs/events/testing/fixtures';
import { Catalog } from '../src/application/catalog';
import { DEMO_CATALOG } from '../src/application/demo-catalog';
import { StoreOrders } from '../src/application/store-orders';
import { OrderManagementConfig } from '../src/ordermanagement.config';
import { OrderManagementModule } from '../src/ordermanagement.module';

const WATCHED = [Topics.Product, Topics.Store];

/** A piece of the saga's news for the store, as its handler passes it on. */
interface News {
  orderId: string;
  handle: (work: UnitOfWork) => Promise<void>;
}

interface Seen {
  topic: string;
  key: string;
  headers: Record<string, string>;
  event: EventEnvelope<any>;
}

/** Collects every message published to the watched topics from now on (starting at their current ends). */
async function watchTopics(driver: KafkaDriver, seen: Seen[]): Promise<{ stop: () => Promise<void> }> {
  await createTopics(driver, [...WATCHED, Topics.Payment, Topics.Order]);
  return watchFromNow(driver, WATCHED, ({ topic, messages }) => {
    for (const message of messages) {
      const headers = Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, String(v)]));
      seen.push({ topic, key: message.key?.toString() ?? '', headers, event: JSON.parse(message.value!.toString()) });
    }
  });
}

describe('ordermanagement — the store (real Kafka and PostgreSQL)', () => {
  const database = `hs_om_${randomUUID().slice(0, 8)}`;
  const autoDatabase = `hs_om_auto_${randomUUID().slice(0, 8)}`;
  const issuer = new TestIssuer();
  const publisher = new TestPublisher();
  const seen: Seen[] = [];
  let watcher: { stop: () => Promise<void> };
  let app: INestApplication;
  let base: string;
  let close: () => Promise<void>;
  let store: string;
  let customer: string;

  const call = (method: string, path: string, body?: unknown, token?: string) => callApp(base, method, path, token, body);

  /** Publishes events to their real topic at once, as their producer's relay would. */
  const publish = <D extends EventDefinition>(definition: D, payloads: PayloadOf<D>[]): Promise<EventEnvelope[]> =>
    Promise.all(payloads.map((payload) => publisher.publish(definition, payload)));
  // Every partition of a fetch at once (the default), which makes the reservation race as hard as it gets.
  const start = (env: Record<string, string>) =>
    startApp('ordermanagement', OrderManagementConfig, (c) => OrderManagementModule.register(c), { AUTH_JWKS_URL: issuer.jwksUrl, ...env });

  const paymentApproved = (orderId: string, items: { productId: string; quantity: number }[]): PayloadOf<typeof PaymentApproved> => ({
    paymentId: randomUUID(),
    orderId,
    customerId: randomUUID(),
    amount: items.reduce((sum, l) => sum + l.quantity * 1000, 0),
    items: items.map((l) => ({ ...l, name: 'a product', unitPrice: 1000 })),
    deliveryAddress: 'Seoul, Gangnam-gu, Teheran-ro 123',
    deliveryPhone: '010-1234-5678',
  });

  // Delivery is at least once: the same event can be on the wire twice (a relay retry), so count events by id.
  const distinct = (list: Seen[]) => [...new Map(list.map((s) => [s.event.eventId, s])).values()];
  const storeEvents = (orderId: string) => distinct(seen.filter((s) => s.topic === Topics.Store && s.event.orderId === orderId));
  const eventsOfOrder = (orderId: string, n: number) =>
    eventually(`${n} store event(s) of order ${orderId}`, () => storeEvents(orderId), (e) => e.length >= n).then((e) => e.map((s) => s.event));
  const productChanges = (productId: string) => distinct(seen.filter((s) => s.topic === Topics.Product && s.key === productId)).map((s) => s.event);
  const handled = (eventIds: string[]) =>
    eventually('the events to be handled', () => app.get(DataSource).query(`SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1)`, [eventIds]), (r) => r[0].n === eventIds.length);
  /** Handles the news as the consumer handles a run: one unit of work, one lane per order (each order's news in order), the orders side by side. */
  const handledAsOneRun = (news: News[]) => inUnitOfWork(app.get(DataSource), (work) => inLanes(news, (n) => n.orderId, (n) => n.handle(work)));
  const stockOf = async (productId: string) => (await call('GET', `/products/${productId}`)).body.stock;
  const newProduct = async (stock: number) =>
    (await call('POST', '/products', { name: `Test fridge ${randomUUID().slice(0, 6)}`, category: 'refrigerator', price: 1000000, stock }, store)).body.id as string;

  beforeAll(async () => {
    await issuer.start();
    store = await issuer.token(randomUUID(), 'store');
    customer = await issuer.token(randomUUID(), 'customer');
    await publisher.connect();
    watcher = await watchTopics(publisher.driver, seen);
    ({ app, base, close } = await start({ DATABASE_NAME: database }));
  });

  afterAll(async () => {
    await close?.();
    await publisher.disconnect();
    await watcher?.stop();
    await issuer.stop();
    await dropDatabase(database);
    await dropDatabase(autoDatabase);
  });

  describe('catalog', () => {
    it('seeds the demo catalog at first start and announces every product', async () => {
      const { status, body } = await call('GET', '/products');
      expect(status).toBe(200);
      expect(body).toHaveLength(DEMO_CATALOG.length);
      expect(new Set(body.map((p: { category: string }) => p.category))).toEqual(new Set(['laundry', 'refrigerator', 'kitchen', 'air', 'tv', 'vacuum']));
      for (const product of DEMO_CATALOG) {
        await eventually(`ProductChanged for ${product.name}`, () => productChanges(product.id), (e) => e.some((x) => x.payload.revision === 1));
      }
    });

    it('seeds each demo product exactly once when two instances start at once', async () => {
      const ids = DEMO_CATALOG.map((p) => p.id);
      const ds = app.get(DataSource);
      await ds.query(`DELETE FROM products WHERE id = ANY($1)`, [ids]);
      const catalog = app.get(Catalog);
      expect((await Promise.all([catalog.seedDemoCatalog(), catalog.seedDemoCatalog()])).sort()).toEqual([0, DEMO_CATALOG.length]);
      expect((await ds.query(`SELECT count(*)::int AS n FROM products WHERE id = ANY($1)`, [ids]))[0].n).toBe(DEMO_CATALOG.length);
    });

    it('filters by category and by sale, publicly', async () => {
      const onSale = (await call('GET', '/products?onSale=true')).body;
      expect(onSale.length).toBe(DEMO_CATALOG.filter((p) => p.salePrice !== null).length);
      expect(onSale.every((p: { salePrice: number | null; price: number }) => p.salePrice !== null && p.salePrice < p.price)).toBe(true);
      const laundry = (await call('GET', '/products?category=laundry')).body;
      expect(laundry.map((p: { category: string }) => p.category)).toEqual(['laundry', 'laundry']);
      expect((await call('GET', '/products?category=laundry&onSale=true')).body).toHaveLength(1);
      expect((await call('GET', '/products?color=red')).status).toBe(400);
    });

    it('lets only the store create and change products (401 without a token, 403 for a customer)', async () => {
      const fridge = { name: 'LG InstaView Fridge', category: 'refrigerator', price: 2890000, stock: 4 };
      expect((await call('POST', '/products', fridge)).status).toBe(401);
      expect((await call('POST', '/products', fridge, customer))).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN' } });
      const created = await call('POST', '/products', fridge, store);
      expect(created).toEqual({ status: 201, body: { id: expect.any(String), ...fridge, salePrice: null } });
      const id = created.body.id;
      expect((await call('PATCH', `/products/${id}`, { salePrice: 2590000 }, customer)).status).toBe(403);
      expect((await call('PATCH', `/products/${id}`, { salePrice: 2590000 })).status).toBe(401);
      const patched = await call('PATCH', `/products/${id}`, { salePrice: 2590000 }, store);
      expect(patched).toEqual({ status: 200, body: { id, ...fridge, salePrice: 2590000 } });
      expect(await call('GET', `/products/${id}`)).toEqual({ status: 200, body: { id, ...fridge, salePrice: 2590000 } });
      expect((await call('PATCH', `/products/${id}`, { price: 2000000 }, store)).body).toMatchObject({ statusCode: 400, code: 'PRODUCT.INVALID_SALE_PRICE' });
      expect((await call('POST', '/products', { ...fridge, salePrice: 2890000 }, store)).status).toBe(400);
      expect((await call('POST', '/products', { ...fridge, stock: -1 }, store)).status).toBe(400);
    });

    it('answers 404 PRODUCT.NOT_FOUND for an unknown product', async () => {
      expect(await call('GET', `/products/${randomUUID()}`)).toMatchObject({ status: 404, body: { statusCode: 404, code: 'PRODUCT.NOT_FOUND' } });
      expect((await call('GET', '/products/not-a-uuid')).status).toBe(404);
      expect((await call('PATCH', `/products/${randomUUID()}`, { stock: 1 }, store)).body.code).toBe('PRODUCT.NOT_FOUND');
    });

    it('publishes ProductChanged on product.events.v1, keyed by product id, in the shape of the fixture, revision growing', async () => {
      const id = await newProduct(7);
      await call('PATCH', `/products/${id}`, { salePrice: 900000, stock: 6 }, store);
      const changes = await eventually('two ProductChanged', () => productChanges(id), (e) => e.length >= 2);
      const fixture = eventFixture('ProductChanged');
      expect(Object.keys(changes[0]).sort()).toEqual(Object.keys(fixture).sort());
      expect(Object.keys(changes[0].payload).sort()).toEqual(Object.keys(fixture.payload as object).sort());
      expect(changes.map((e) => e.payload)).toEqual([
        { productId: id, revision: 1, name: expect.any(String), category: 'refrigerator', price: 1000000, salePrice: null, stock: 7, onSale: false },
        { productId: id, revision: 2, name: expect.any(String), category: 'refrigerator', price: 1000000, salePrice: 900000, stock: 6, onSale: true },
      ]);
      expect(changes[0]).toMatchObject({ eventType: 'ProductChanged', eventVersion: 1, aggregateType: 'product', aggregateId: id, producer: 'ordermanagement' });
      expect(changes[0]).not.toHaveProperty('orderId');
      const message = seen.find((s) => s.event.eventId === changes[0].eventId)!;
      expect(message.headers.eventId).toBe(changes[0].eventId);
      expect(message.headers.traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
    });
  });

  describe('store orders', () => {
    it('reserves the stock of a paid order and announces StoreOrderReceived and the new stock', async () => {
      const [a, b] = [await newProduct(3), await newProduct(10)];
      const orderId = randomUUID();
      const [approved] = await publish(PaymentApproved, [paymentApproved(orderId, [{ productId: a, quantity: 2 }, { productId: b, quantity: 1 }])]);
      const [received] = await eventsOfOrder(orderId, 1);
      const fixture = eventFixture('StoreOrderReceived');
      expect(Object.keys(received).sort()).toEqual(Object.keys(fixture).sort());
      expect(received).toMatchObject({
        eventType: 'StoreOrderReceived',
        aggregateType: 'storeOrder',
        producer: 'ordermanagement',
        causationId: approved.eventId,
        correlationId: approved.correlationId,
        payload: { orderId, customerId: (approved.payload as { customerId: string }).customerId, items: expect.arrayContaining([{ productId: a, quantity: 2 }, { productId: b, quantity: 1 }]) },
      });
      expect(storeEvents(orderId)[0].key).toBe(orderId);
      expect([await stockOf(a), await stockOf(b)]).toEqual([1, 9]);
      await eventually('the new stock announced', () => productChanges(a), (e) => e.some((x) => x.payload.stock === 1 && x.payload.revision === 2));
      const listed = (await call('GET', '/store/orders?status=RECEIVED', undefined, store)).body;
      expect(listed.orders[0]).toMatchObject({ orderId, status: 'RECEIVED', deliveryAddress: 'Seoul, Gangnam-gu, Teheran-ro 123' });
      expect((await call('GET', '/store/orders', undefined, customer)).status).toBe(403);
    });

    it('reserves nothing when a line is short and announces StockReservationFailed with the short products', async () => {
      const [plenty, scarce] = [await newProduct(10), await newProduct(1)];
      const orderId = randomUUID();
      await publish(PaymentApproved, [paymentApproved(orderId, [{ productId: plenty, quantity: 2 }, { productId: scarce, quantity: 2 }])]);
      const [failed] = await eventsOfOrder(orderId, 1);
      expect(failed).toMatchObject({ eventType: 'StockReservationFailed', payload: { orderId, shortProductIds: [scarce] } });
      expect(Object.keys(failed.payload).sort()).toEqual(Object.keys(eventFixture('StockReservationFailed').payload as object).sort());
      expect([await stockOf(plenty), await stockOf(scarce)]).toEqual([10, 1]);
    });

    it('sells exactly the last 5 units to 20 concurrent paid orders', async () => {
      const productId = await newProduct(5);
      const orderIds = Array.from({ length: 20 }, () => randomUUID());
      const approved = await publish(PaymentApproved, orderIds.map((orderId) => paymentApproved(orderId, [{ productId, quantity: 1 }])));
      const outcomes = await eventually('an outcome for each of the 20 orders', () => orderIds.map((id) => storeEvents(id)), (o) => o.every((e) => e.length === 1));
      // Decided in runs, each answer still names its own PaymentApproved as its cause and keeps its correlation.
      outcomes.forEach(([{ event }], i) => expect(event).toMatchObject({ causationId: approved[i].eventId, correlationId: approved[i].correlationId }));
      const types = outcomes.map(([e]) => e.event.eventType);
      expect(types.filter((t) => t === 'StoreOrderReceived')).toHaveLength(5);
      expect(types.filter((t) => t === 'StockReservationFailed')).toHaveLength(15);
      expect(await stockOf(productId)).toBe(0);
      // Orders handled in one run announce the product once, with the stock they left: fewer snapshots, only ever down.
      const announced = await eventually('the stock announced as 0', () => productChanges(productId), (e) => e.some((x) => x.payload.stock === 0));
      const stocks = announced.map((e) => e.payload.stock);
      expect(stocks[0]).toBe(5);
      expect(stocks).toEqual([...stocks].sort((x, y) => y - x));
      expect(new Set(stocks).size).toBe(stocks.length);
      const revisions = announced.map((e) => e.payload.revision);
      expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
    });

    it('decides a run of news in its order, as one at a time would, and announces each moved product once', async () => {
      const productId = await newProduct(10);
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
      const storeOrders = app.get(StoreOrders);
      const paid = (orderId: string, quantity: number): News => ({ orderId, handle: (work) => storeOrders.receive(work, paymentApproved(orderId, [{ productId, quantity }])) });
      const canceled = (orderId: string): News => ({ orderId, handle: (work) => storeOrders.cancel(work, { orderId, customerId: randomUUID() }) });
      const before = (await eventually('the new product announced', () => productChanges(productId), (e) => e.length === 1)).length;
      // a: reserved then canceled in the same run; b: reserved; c: canceled before it was paid, so never reserved.
      await handledAsOneRun([paid(a, 3), paid(b, 2), canceled(a), canceled(c), paid(c, 4)]);
      expect(await stockOf(productId)).toBe(8);
      const [aEvents, bEvents, cEvents] = await Promise.all([eventsOfOrder(a, 2), eventsOfOrder(b, 1), eventsOfOrder(c, 1)]);
      expect(aEvents.map((e) => [e.eventType, e.payload.stockReleased])).toEqual([
        ['StoreOrderReceived', undefined],
        ['StoreOrderCanceled', true],
      ]);
      expect(bEvents.map((e) => e.eventType)).toEqual(['StoreOrderReceived']);
      expect(cEvents.map((e) => [e.eventType, e.payload.stockReleased])).toEqual([['StoreOrderCanceled', false]]);
      const announced = await eventually('the run to announce the product', () => productChanges(productId), (e) => e.length > before);
      expect(announced.slice(before).map((e) => e.payload.stock)).toEqual([8]);
      const statuses = await app.get(DataSource).query(`SELECT order_id, status FROM store_orders WHERE order_id = ANY($1)`, [[a, b, c]]);
      expect(Object.fromEntries(statuses.map((r: { order_id: string; status: string }) => [r.order_id, r.status]))).toEqual({ [a]: 'CANCELED', [b]: 'RECEIVED', [c]: 'CANCELED' });
    });

    it('never oversells when 20 reservations for the last 5 units run in parallel transactions', async () => {
      const productId = await newProduct(5);
      const storeOrders = app.get(StoreOrders);
      const orderIds = Array.from({ length: 20 }, () => randomUUID());
      await Promise.all(orderIds.map((orderId) => inUnitOfWork(app.get(DataSource), (work) => storeOrders.receive(work, paymentApproved(orderId, [{ productId, quantity: 1 }])))));
      expect(await stockOf(productId)).toBe(0);
      const statuses: { status: string; n: number }[] = await app
        .get(DataSource)
        .query(`SELECT status, count(*)::int AS n FROM store_orders WHERE order_id = ANY($1) GROUP BY status ORDER BY status`, [orderIds]);
      expect(statuses).toEqual([
        { status: 'OUT_OF_STOCK', n: 15 },
        { status: 'RECEIVED', n: 5 },
      ]);
    });

    it('remembers a cancel that arrives before the payment: confirms it, and never reserves for that order', async () => {
      const productId = await newProduct(4);
      const orderId = randomUUID();
      const customerId = randomUUID();
      await publish(OrderCanceled, [{ orderId, customerId }]);
      const [canceled] = await eventsOfOrder(orderId, 1);
      expect(canceled).toMatchObject({ eventType: 'StoreOrderCanceled', payload: { orderId, customerId, stockReleased: false } });
      expect(Object.keys(canceled.payload).sort()).toEqual(Object.keys(eventFixture('StoreOrderCanceled').payload as object).sort());

      const late = await publish(PaymentApproved, [paymentApproved(orderId, [{ productId, quantity: 2 }])]);
      const again = await publish(OrderCanceled, [{ orderId, customerId }]);
      await handled([late[0].eventId, again[0].eventId]);
      expect(await stockOf(productId)).toBe(4);
      expect(storeEvents(orderId)).toHaveLength(1);
      expect((await call('GET', '/store/orders?status=CANCELED', undefined, store)).body.orders.find((o: { orderId: string }) => o.orderId === orderId)).toMatchObject({ items: [] });
    });

    it('puts the stock of a received order back when it is canceled, once', async () => {
      const productId = await newProduct(4);
      const orderId = randomUUID();
      const [approved] = await publish(PaymentApproved, [paymentApproved(orderId, [{ productId, quantity: 3 }])]);
      await eventsOfOrder(orderId, 1);
      expect(await stockOf(productId)).toBe(1);
      const customerId = (approved.payload as { customerId: string }).customerId;
      await publish(OrderCanceled, [{ orderId, customerId }]);
      const [, canceled] = await eventsOfOrder(orderId, 2);
      expect(canceled).toMatchObject({ eventType: 'StoreOrderCanceled', payload: { orderId, customerId, stockReleased: true } });
      expect(await stockOf(productId)).toBe(4);
      const repeated = await publish(OrderCanceled, [{ orderId, customerId }]);
      await handled([repeated[0].eventId]);
      expect(storeEvents(orderId)).toHaveLength(2);
      expect(await stockOf(productId)).toBe(4);
    });

    it('confirms the cancel of an order it found short, once, leaving the stock as it was', async () => {
      const productId = await newProduct(1);
      const orderId = randomUUID();
      const [approved] = await publish(PaymentApproved, [paymentApproved(orderId, [{ productId, quantity: 2 }])]);
      await eventsOfOrder(orderId, 1);
      const customerId = (approved.payload as { customerId: string }).customerId;
      await publish(OrderCanceled, [{ orderId, customerId }]);
      const [failed, canceled] = await eventsOfOrder(orderId, 2);
      expect([failed.eventType, canceled.eventType]).toEqual(['StockReservationFailed', 'StoreOrderCanceled']);
      expect(canceled.payload).toMatchObject({ orderId, stockReleased: false });
      const repeated = await publish(OrderCanceled, [{ orderId, customerId }]);
      await handled([repeated[0].eventId]);
      expect(storeEvents(orderId)).toHaveLength(2);
      expect(await stockOf(productId)).toBe(1);
    });

    it('lets a clerk accept a received order (OrderAccepted with the delivery details), once; a retried accept answers the same', async () => {
      const productId = await newProduct(2);
      const orderId = randomUUID();
      await publish(PaymentApproved, [paymentApproved(orderId, [{ productId, quantity: 1 }])]);
      await eventsOfOrder(orderId, 1);
      expect((await call('POST', `/store/orders/${orderId}/accept`, undefined, customer)).status).toBe(403);
      const accepted = await call('POST', `/store/orders/${orderId}/accept`, undefined, store);
      expect(accepted).toMatchObject({ status: 200, body: { orderId, status: 'ACCEPTED', items: [{ productId, quantity: 1 }] } });
      const [, event] = await eventsOfOrder(orderId, 2);
      expect(event).toMatchObject({
        eventType: 'OrderAccepted',
        payload: { orderId, items: [{ productId, quantity: 1 }], deliveryAddress: 'Seoul, Gangnam-gu, Teheran-ro 123', deliveryPhone: '010-1234-5678' },
      });
      expect(Object.keys(event.payload).sort()).toEqual(Object.keys(eventFixture('OrderAccepted').payload as object).sort());
      // The clerk's retry after a lost answer: the same answer, and nothing announced again.
      const again = await call('POST', `/store/orders/${orderId}/accept`, undefined, store);
      expect(again).toMatchObject({ status: 200, body: accepted.body });
      await new Promise((r) => setTimeout(r, 500));
      expect(await eventsOfOrder(orderId, 2)).toHaveLength(2);
      // A canceled order cannot be accepted.
      const canceledId = randomUUID();
      await publish(OrderCanceled, [{ orderId: canceledId, customerId: randomUUID() }]);
      await eventsOfOrder(canceledId, 1);
      expect(await call('POST', `/store/orders/${canceledId}/accept`, undefined, store)).toMatchObject({ status: 409, body: { statusCode: 409, code: 'STORE.ORDER_NOT_RECEIVED' } });
      expect((await call('POST', `/store/orders/${randomUUID()}/accept`, undefined, store)).body.code).toBe('STORE.ORDER_NOT_FOUND');
      expect((await call('POST', '/store/orders/not-a-uuid/accept', undefined, store)).status).toBe(404);
    });
  });

  describe('GET /store/orders', () => {
    type Row = { id: string; orderId: string; status: string; createdAt: string };
    const get = (path: string) => call('GET', path, undefined, store);
    /** Paid orders of one unit each of `productId`, published at once; their eventIds. */
    const paidOrders = async (productId: string, n: number) =>
      (await publish(PaymentApproved, Array.from({ length: n }, () => paymentApproved(randomUUID(), [{ productId, quantity: 1 }])))).map((e) => e.eventId);

    it('pages through the store orders newest first while paid orders keep arriving: none skipped or repeated, 50 a page unless told, at most 200; 400 for a bad limit or cursor', async () => {
      const productId = await newProduct(1000);
      // More store orders than the largest page.
      await handled(await paidOrders(productId, 210));
      const stored: { n: number }[] = await app.get(DataSource).query(`SELECT count(*)::int AS n FROM store_orders`);
      expect(stored[0].n).toBeGreaterThan(200);

      const all = await walkPages<Row>(get, '/store/orders', 'orders', { limit: 200 });
      expect(all.pages).toEqual([200, stored[0].n - 200]);
      expect(new Set(all.rows.map((o) => o.id)).size).toBe(stored[0].n);
      const createdAt = all.rows.map((o) => o.createdAt);
      expect(createdAt).toEqual([...createdAt].sort().reverse());

      // 9 a page, two more paid orders arriving after each page (handled while the walk goes on).
      const arriving: string[] = [];
      const walk = await walkPages<Row>(get, '/store/orders', 'orders', { limit: 9, between: async () => arriving.push(...(await paidOrders(productId, 2))) });
      await handled(arriving);
      expect(walk.rows.map((o) => o.id)).toEqual(all.rows.map((o) => o.id)); // none skipped, none repeated, none of the newer
      expect(walk.pages.slice(0, -1).every((n) => n === 9)).toBe(true);

      // Of one status, paged the same way while more of that status arrive.
      const received = (await walkPages<Row>(get, '/store/orders?status=RECEIVED', 'orders', { limit: 200 })).rows;
      expect(received.length).toBeGreaterThan(200);
      expect(new Set(received.map((o) => o.status))).toEqual(new Set(['RECEIVED']));
      const more: string[] = [];
      const receivedWalk = await walkPages<Row>(get, '/store/orders?status=RECEIVED', 'orders', { limit: 13, between: async () => more.push(...(await paidOrders(productId, 1))) });
      await handled(more);
      expect(receivedWalk.rows.map((o) => o.id)).toEqual(received.map((o) => o.id));

      // 50 a page unless told; the next page from the cursor; at most 200.
      const now = await walkPages<Row>(get, '/store/orders', 'orders', { limit: 200 });
      expect(now.rows).toHaveLength(stored[0].n + arriving.length + more.length);
      const firstPage = (await get('/store/orders')).body;
      expect(firstPage.orders.map((o: Row) => o.id)).toEqual(now.rows.slice(0, 50).map((o) => o.id));
      expect((await get(`/store/orders?before=${firstPage.nextCursor}`)).body.orders.map((o: Row) => o.id)).toEqual(now.rows.slice(50, 100).map((o) => o.id));
      for (const limit of ['0', '201', 'ten']) {
        expect([limit, await get(`/store/orders?limit=${limit}`)]).toEqual([
          limit,
          { status: 400, body: expect.objectContaining({ code: 'REQUEST.VALIDATION_FAILED', fields: [expect.objectContaining({ field: 'limit' })] }) },
        ]);
      }
      for (const before of ['bm9wZQ', `${firstPage.nextCursor}x`]) {
        expect([before, await get(`/store/orders?status=RECEIVED&before=${before}`)]).toEqual([before, { status: 400, body: expect.objectContaining({ code: 'STORE.INVALID_CURSOR' }) }]);
      }
      expect(await get('/store/orders?status=LOST')).toMatchObject({ status: 400, body: { code: 'REQUEST.VALIDATION_FAILED', fields: [{ field: 'status' }] } });
      expect((await call('GET', '/store/orders', undefined, customer)).status).toBe(403);
    });
  });

  describe('with STORE_AUTO_ACCEPT=true', () => {
    it('accepts each order right after reserving its stock', async () => {
      await close(); // one instance at a time, each with its own database
      ({ app, base, close } = await start({ DATABASE_NAME: autoDatabase, STORE_AUTO_ACCEPT: 'true' }));
      const orderId = randomUUID();
      const vacuum = DEMO_CATALOG.find((p) => p.category === 'vacuum')!;
      await publish(PaymentApproved, [paymentApproved(orderId, [{ productId: vacuum.id, quantity: 1 }])]);
      const events = await eventsOfOrder(orderId, 2);
      expect(events.map((e) => e.eventType)).toEqual(['StoreOrderReceived', 'OrderAccepted']);
      expect((await call('GET', '/store/orders?status=ACCEPTED', undefined, store)).body).toEqual({ orders: [expect.objectContaining({ orderId })], nextCursor: null });
      expect(await stockOf(vacuum.id)).toBe(vacuum.stock - 1);
    });
  });
});
