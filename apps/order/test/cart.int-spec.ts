import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ALL_TOPICS, PayloadOf, ProductChanged, Topics } from '@homestore/events';
import { createTopics, dropDatabase, eventsOfKey, eventually, outboxDrained, startApp, TestApp, TestIssuer, TestPublisher } from '@homestore/testing';
import { OrderConfig } from '../src/order.config';
import { OrderModule } from '../src/order.module';

/** The cart (real Kafka and PostgreSQL): edits, prices as they are now, concurrent edits, checkout through POST /orders' path. */
describe('cart (real Kafka and PostgreSQL)', () => {
  const database = `hs_order_cart_${randomUUID().slice(0, 8)}`;
  const issuer = new TestIssuer();
  const publisher = new TestPublisher();
  let shop: TestApp;
  let ds: DataSource;

  const washer = randomUUID();
  const fridge = randomUUID();
  const tv = randomUUID();
  const kettle = randomUUID();
  /** For the concurrent edits: 20 products of their own. */
  const many = Array.from({ length: 20 }, () => randomUUID());

  const product = (productId: string, name: string, price: number, over: Partial<PayloadOf<typeof ProductChanged>> = {}): PayloadOf<typeof ProductChanged> => ({
    productId,
    revision: 1,
    name,
    category: 'appliances',
    price,
    salePrice: null,
    stock: 100,
    onSale: false,
    ...over,
  });

  /** A customer of their own for each test, so that no test sees another's cart. */
  const customer = async () => {
    const id = randomUUID();
    return { id, token: await issuer.token(id) };
  };
  type Customer = Awaited<ReturnType<typeof customer>>;

  const call = async (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${shop.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
  };
  const put = (c: Customer, productId: string, quantity: unknown) => call('PUT', `/cart/items/${productId}`, c.token, { quantity });
  const cartOf = async (c: Customer) => (await call('GET', '/cart', c.token)).body;
  const checkoutBody = { deliveryAddress: 'Seoul, Gangnam-gu, Teheran-ro 123', deliveryPhone: '010-1234-5678', payment: { method: 'card', cardToken: 'tok_ok' } };
  const checkOut = (c: Customer, headers: Record<string, string> = {}) => call('POST', '/cart/checkout', c.token, checkoutBody, headers);
  const replicaRevisions = async (ids: string[]) =>
    new Map<string, number>((await ds.query(`SELECT product_id, revision FROM products WHERE product_id = ANY($1::uuid[])`, [ids])).map((r: { product_id: string; revision: number }) => [r.product_id, r.revision]));
  const orderEvents = async (orderId: string) => {
    await outboxDrained(ds);
    return eventsOfKey(publisher.driver, Topics.Order, orderId);
  };

  beforeAll(async () => {
    await issuer.start();
    await createTopics(publisher.driver, [...ALL_TOPICS]);
    await publisher.connect();
    shop = await startApp('order', OrderConfig, (c) => OrderModule.register(c), { DATABASE_NAME: database, AUTH_JWKS_URL: issuer.jwksUrl });
    ds = shop.app.get(DataSource);
    const catalog = [
      product(washer, 'Washer', 1_000, { salePrice: 800, onSale: true }),
      product(fridge, 'Fridge', 2_000),
      product(tv, 'TV', 3_000),
      product(kettle, 'Kettle', 50),
      ...many.map((id, i) => product(id, `Gadget ${i}`, 10 + i)),
    ];
    for (const p of catalog) await publisher.publish(ProductChanged, p);
    const ids = catalog.map((p) => p.productId);
    await eventually('the replica to know the catalog', () => replicaRevisions(ids), (known) => known.size === ids.length);
  });

  afterAll(async () => {
    await shop?.close();
    await publisher.disconnect();
    await issuer.stop();
    await dropDatabase(database);
  });

  it('starts empty, and adds, changes, removes and empties lines, answering the cart each time', async () => {
    const alice = await customer();
    expect(await call('GET', '/cart', alice.token)).toEqual({ status: 200, body: { items: [], totalAmount: 0 } });

    const added = await put(alice, washer, 2);
    expect(added).toEqual({
      status: 200,
      body: { items: [{ productId: washer, name: 'Washer', unitPrice: 800, quantity: 2, lineAmount: 1_600, available: true }], totalAmount: 1_600, updatedAt: expect.any(String) },
    });
    expect((await put(alice, fridge, 1)).body.totalAmount).toBe(3_600);
    const changed = await put(alice, washer.toUpperCase(), 3);
    expect(changed.status).toBe(200);
    expect(changed.body.items.map((l: { productId: string; quantity: number }) => [l.productId, l.quantity])).toEqual([
      [washer, 3],
      [fridge, 1],
    ]);
    expect(changed.body.totalAmount).toBe(4_400);
    expect(await cartOf(alice)).toEqual(changed.body);

    const removed = await call('DELETE', `/cart/items/${fridge}`, alice.token);
    expect(removed).toEqual({ status: 200, body: expect.objectContaining({ items: [expect.objectContaining({ productId: washer, quantity: 3 })], totalAmount: 2_400 }) });
    // Removing it again, or what was never there, answers the cart as it is.
    expect(await call('DELETE', `/cart/items/${fridge}`, alice.token)).toEqual(removed);
    expect(await call('DELETE', '/cart/items/not-a-product', alice.token)).toEqual(removed);

    expect(await call('DELETE', '/cart', alice.token)).toEqual({ status: 200, body: { items: [], totalAmount: 0 } });
    expect(await cartOf(alice)).toEqual({ items: [], totalAmount: 0 });
    expect(await call('DELETE', '/cart', alice.token)).toEqual({ status: 200, body: { items: [], totalAmount: 0 } });
  });

  it('shows each line as it is now: a new price once the catalog announces it, not available once the replica lacks it', async () => {
    const bob = await customer();
    await put(bob, tv, 2);
    await put(bob, kettle, 1);
    expect((await cartOf(bob)).totalAmount).toBe(6_050);

    await publisher.publish(ProductChanged, product(tv, 'TV 2025', 3_000, { revision: 2, salePrice: 2_500, onSale: true }));
    const repriced = await eventually('the new price of the TV', () => cartOf(bob), (c) => c.items[0].unitPrice === 2_500);
    expect(repriced.items[0]).toEqual({ productId: tv, name: 'TV 2025', unitPrice: 2_500, quantity: 2, lineAmount: 5_000, available: true });
    expect(repriced.totalAmount).toBe(5_050);

    // The replica loses the kettle (as a replica rebuilt from a catalog that no longer has it would).
    await ds.query(`DELETE FROM products WHERE product_id = $1`, [kettle]);
    const cart = await cartOf(bob);
    expect(cart.items[1]).toEqual({ productId: kettle, name: 'Kettle', unitPrice: null, quantity: 1, lineAmount: null, available: false });
    expect(cart.totalAmount).toBe(5_000);
    // Checkout refuses it as POST /orders would, and the cart stays as it was.
    const refused = await checkOut(bob);
    expect([refused.status, refused.body.code]).toEqual([422, 'ORDER.UNKNOWN_PRODUCT']);
    expect(refused.body.message).toContain(kettle);
    expect(await cartOf(bob)).toEqual(cart);
    // It can still be taken out, though not put in again.
    expect((await call('DELETE', `/cart/items/${kettle}`, bob.token)).body.items.map((l: { productId: string }) => l.productId)).toEqual([tv]);
    expect((await put(bob, kettle, 1)).status).toBe(422);
  });

  it('answers 422 ORDER.UNKNOWN_PRODUCT for a product the replica does not know, 400 for an invalid quantity or field, and only to customers', async () => {
    const carol = await customer();
    const stranger = randomUUID();
    const unknown = await put(carol, stranger, 1);
    expect([unknown.status, unknown.body.code]).toEqual([422, 'ORDER.UNKNOWN_PRODUCT']);
    expect(unknown.body.message).toContain(stranger);
    const notAnId = await put(carol, 'not-a-uuid', 1);
    expect([notAnId.status, notAnId.body.code]).toEqual([422, 'ORDER.UNKNOWN_PRODUCT']);

    for (const quantity of [0, 100, -1, 1.5, '2', null]) {
      const res = await put(carol, washer, quantity);
      expect([quantity, res.status, res.body.code]).toEqual([quantity, 400, 'REQUEST.VALIDATION_FAILED']);
      expect(res.body.fields.map((f: { field: string }) => f.field)).toEqual(['quantity']);
    }
    const extra = await call('PUT', `/cart/items/${washer}`, carol.token, { quantity: 1, price: 1 });
    expect([extra.status, extra.body.fields]).toEqual([400, [expect.objectContaining({ field: 'price' })]]);
    expect((await call('PUT', `/cart/items/${washer}`, carol.token, {})).status).toBe(400);
    expect(await cartOf(carol)).toEqual({ items: [], totalAmount: 0 });

    const clerk = await issuer.token(randomUUID(), 'store');
    expect((await call('GET', '/cart', clerk)).status).toBe(403);
    expect((await fetch(`${shop.base}/cart`)).status).toBe(401);
  });

  it('loses no line to concurrent edits: 20 PUTs of different products at once, all in the cart', async () => {
    const dave = await customer();
    await put(dave, washer, 1);
    const answers = await Promise.all(many.map((productId, i) => put(dave, productId, i + 1)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const cart = await cartOf(dave);
    expect(new Map(cart.items.map((l: { productId: string; quantity: number }) => [l.productId, l.quantity]))).toEqual(
      new Map([[washer, 1], ...many.map((id, i) => [id, i + 1] as [string, number])]),
    );
    expect(cart.totalAmount).toBe(800 + many.reduce((sum, _, i) => sum + (10 + i) * (i + 1), 0));
    // And removals beside changes: every other line out while the rest change, all at once.
    await Promise.all(many.map((productId, i) => (i % 2 ? call('DELETE', `/cart/items/${productId}`, dave.token) : put(dave, productId, 50))));
    // (The lines keep the order their PUTs arrived in, which no one chose: compared as a map.)
    expect(new Map((await cartOf(dave)).items.map((l: { productId: string; quantity: number }) => [l.productId, l.quantity]))).toEqual(
      new Map([[washer, 1], ...many.filter((_, i) => i % 2 === 0).map((id) => [id, 50] as [string, number])]),
    );
  });

  it('checks out: 201 the order of the cart’s lines at the replica’s prices, OrderPlaced announced, the cart empty after', async () => {
    const erin = await customer();
    await put(erin, washer, 2);
    await put(erin, fridge, 1);
    const placed = await checkOut(erin);
    expect(placed).toEqual({
      status: 201,
      body: {
        id: expect.any(String),
        status: 'PENDING',
        items: [
          { productId: washer, name: 'Washer', unitPrice: 800, quantity: 2 },
          { productId: fridge, name: 'Fridge', unitPrice: 2_000, quantity: 1 },
        ],
        totalAmount: 3_600,
        pointsUsed: 0,
        amountDue: 3_600,
        createdAt: expect.any(String),
      },
    });
    expect(await cartOf(erin)).toEqual({ items: [], totalAmount: 0 });
    expect((await call('GET', `/orders/${placed.body.id}`, erin.token)).body).toMatchObject({ id: placed.body.id, status: 'PENDING', totalAmount: 3_600 });

    const events = await orderEvents(placed.body.id);
    expect(events).toEqual([
      expect.objectContaining({
        eventType: 'OrderPlaced',
        producer: 'order',
        payload: expect.objectContaining({
          orderId: placed.body.id,
          customerId: erin.id,
          items: placed.body.items,
          totalAmount: 3_600,
          deliveryAddress: checkoutBody.deliveryAddress,
          payment: checkoutBody.payment,
        }),
      }),
    ]);
  });

  it('checks out spending points: amountDue is the rest, announced on OrderPlaced; more points than the total is 400 and leaves the cart', async () => {
    const hana = await customer();
    await put(hana, fridge, 2);
    const tooMany = await call('POST', '/cart/checkout', hana.token, { ...checkoutBody, pointsToUse: 4_001 });
    expect([tooMany.status, tooMany.body.code]).toEqual([400, 'ORDER.INVALID_POINTS']);
    expect((await cartOf(hana)).items).toHaveLength(1);
    const placed = await call('POST', '/cart/checkout', hana.token, { ...checkoutBody, pointsToUse: 1_500 });
    expect([placed.status, placed.body.totalAmount, placed.body.pointsUsed, placed.body.amountDue]).toEqual([201, 4_000, 1_500, 2_500]);
    expect(await cartOf(hana)).toEqual({ items: [], totalAmount: 0 });
    expect((await orderEvents(placed.body.id)).map((e) => e.payload)).toEqual([expect.objectContaining({ totalAmount: 4_000, pointsUsed: 1_500, amountDue: 2_500 })]);
  });

  it('refuses to check out an empty cart (409 CART.EMPTY) or an invalid body (400), and places nothing', async () => {
    const frank = await customer();
    const empty = await checkOut(frank);
    expect([empty.status, empty.body.code]).toEqual([409, 'CART.EMPTY']);
    await put(frank, washer, 1);
    for (const body of [{ ...checkoutBody, items: [{ productId: washer, quantity: 1 }] }, { ...checkoutBody, payment: { method: 'cash' } }, { deliveryAddress: 'Seoul' }]) {
      expect((await call('POST', '/cart/checkout', frank.token, body)).status).toBe(400);
    }
    for (const key of ['x'.repeat(201), ' ']) {
      const res = await checkOut(frank, { 'idempotency-key': key });
      expect([res.status, res.body.code]).toEqual([400, 'ORDER.INVALID_IDEMPOTENCY_KEY']);
    }
    expect((await cartOf(frank)).items).toHaveLength(1);
    expect(await ds.query(`SELECT id FROM orders WHERE customer_id = $1`, [frank.id])).toEqual([]);
  });

  it('answers a retried checkout (same Idempotency-Key) with the same order, announced once, and leaves a cart filled again since alone', async () => {
    const grace = await customer();
    await put(grace, washer, 1);
    await put(grace, tv, 1);
    const key = randomUUID();
    // Two at once (a client that timed out and retried): one order.
    const [a, b] = await Promise.all([checkOut(grace, { 'idempotency-key': key }), checkOut(grace, { 'idempotency-key': key })]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body).toEqual(a.body);
    expect(a.body.items.map((l: { productId: string }) => l.productId)).toEqual([washer, tv]);

    await put(grace, fridge, 2);
    const again = await checkOut(grace, { 'idempotency-key': key });
    expect(again).toEqual({ status: 201, body: a.body });
    expect((await cartOf(grace)).items.map((l: { productId: string; quantity: number }) => [l.productId, l.quantity])).toEqual([[fridge, 2]]);
    // The key is the customer's, whichever way the order was placed: POST /orders with it answers the same order.
    const posted = await call('POST', '/orders', grace.token, { ...checkoutBody, items: [{ productId: fridge, quantity: 2 }] }, { 'idempotency-key': key });
    expect(posted).toEqual({ status: 201, body: a.body });

    expect((await orderEvents(a.body.id)).map((e) => e.eventType)).toEqual(['OrderPlaced']);
    // A new key checks out what the cart holds now.
    const next = await checkOut(grace, { 'idempotency-key': randomUUID() });
    expect([next.status, next.body.totalAmount, next.body.id === a.body.id]).toEqual([201, 4_000, false]);
  });
});
