import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  decodeEvent,
  DeliveryCompleted,
  EventEnvelope,
  eventDefinition,
  OrderCanceled,
  OrderPlaced,
  OrderPlacedPayload,
  PaymentApproved,
  PaymentFailed,
  StockReservationFailed,
  Topics,
  UserRegistered,
} from '@homestore/events';
import { EventContext, inLanes } from '@homestore/messaging';
import { inUnitOfWork, UnitOfWork } from '@homestore/persistence';
import { MileageConfig } from '../src/mileage.config';
import { MileageModule } from '../src/mileage.module';
import { DeliveryEventsHandler } from '../src/interface/delivery-events.handler';
import { OrderEventsHandler } from '../src/interface/order-events.handler';
import { PaymentEventsHandler } from '../src/interface/payment-events.handler';
import { StoreEventsHandler } from '../src/interface/store-events.handler';
import { UserEventsHandler } from '../src/interface/user-events.handler';
import {
  Answer,
  call,
  createTopics,
  dropDatabase,
  eventsOfKey,
  eventually,
  ConsumedMessage,
  outboxDrained,
  startApp,
  TestIssuer,
  TestPublisher,
  walkPages,
} from '@homestore/testing';

const ADDRESS = 'Seoul, Gangnam-gu, Teheran-ro 123';
const PHONE = '010-1234-5678';

/** A placed order of `customerId` spending `pointsUsed` of its total; payment charges the rest (amountDue). */
function anOrder(customerId: string, pointsUsed = 0, totalAmount = 2_990_000): OrderPlacedPayload {
  return {
    orderId: randomUUID(),
    customerId,
    items: [{ productId: randomUUID(), name: 'LG WashTower 25kg', unitPrice: totalAmount, quantity: 1 }],
    totalAmount,
    pointsUsed,
    amountDue: totalAmount - pointsUsed,
    deliveryAddress: ADDRESS,
    deliveryPhone: PHONE,
    payment: { method: 'card', cardToken: 'tok_visa' },
  };
}

/** A mileage event as the tests compare them: [type, orderId (null for the welcome), points, balance, reason or cause]. */
type Fact = [type: string, orderId: string | null, points: number, balance: number, why: string | null];

describe('mileage service (real Kafka and PostgreSQL)', () => {
  const database = `hs_mileage_${randomUUID().slice(0, 8)}`;
  const issuer = new TestIssuer();
  const publisher = new TestPublisher();
  let app: INestApplication;
  let base: string;
  let close: () => Promise<void>;
  let ds: DataSource;

  // The events as their producers raise them.
  const registration = (userId: string, role: 'customer' | 'store' = 'customer') =>
    publisher.envelope(UserRegistered, { userId, email: `${userId.slice(0, 8)}@example.com`, name: 'Kim Minji', phone: PHONE, role });
  const placing = (o: OrderPlacedPayload) => publisher.envelope(OrderPlaced, o);
  const cancellation = (o: OrderPlacedPayload) => publisher.envelope(OrderCanceled, { orderId: o.orderId, customerId: o.customerId });
  const approval = (o: OrderPlacedPayload, amount = o.amountDue!) =>
    publisher.envelope(PaymentApproved, { paymentId: randomUUID(), orderId: o.orderId, customerId: o.customerId, amount, items: o.items, deliveryAddress: ADDRESS, deliveryPhone: PHONE });
  const decline = (o: OrderPlacedPayload) =>
    publisher.envelope(PaymentFailed, { paymentId: randomUUID(), orderId: o.orderId, customerId: o.customerId, amount: o.amountDue!, reason: 'CARD_DECLINED' });
  const shortage = (o: OrderPlacedPayload) =>
    publisher.envelope(StockReservationFailed, {
      storeOrderId: randomUUID(),
      orderId: o.orderId,
      customerId: o.customerId,
      items: [{ productId: o.items[0].productId, quantity: 1 }],
      shortProductIds: [o.items[0].productId],
    });
  const delivery = (o: OrderPlacedPayload) => publisher.envelope(DeliveryCompleted, { deliveryId: randomUUID(), orderId: o.orderId, customerId: o.customerId });
  /** The same event again under a new eventId (as a producer that retried would raise it): only the aggregates can tell. */
  const again = (e: EventEnvelope) => ({ ...e, eventId: randomUUID() });

  /** Waits until the mileage consumer has handled (or skipped as a duplicate) these events. */
  const handled = (...events: EventEnvelope[]) => {
    const ids = [...new Set(events.map((e) => e.eventId))];
    return eventually(
      'the events to be handled',
      async () => (await ds.query(`SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1)`, [ids]))[0].n,
      (n) => n === ids.length,
    );
  };
  /** Publishes each event and waits until it is handled before the next: the arrival order is the one given. */
  const inTurn = async (...events: EventEnvelope[]) => {
    for (const e of events) {
      await publisher.send(eventDefinition(e.eventType)!, e);
      await handled(e);
    }
  };
  /** Publishes the events in one producer request, so that the consumer fetches them together; then waits for them. */
  const atOnce = async (...events: EventEnvelope[]) => {
    await publisher.sendTogether(...events);
    await handled(...events);
  };

  /** Every mileage event of the customer so far (once the outbox drained), each checked against its contract. */
  const eventsOf = async (customerId: string) => {
    await outboxDrained(ds);
    const events = await eventsOfKey(publisher.driver, Topics.Mileage, customerId);
    return events.map((e) => decodeEvent(eventDefinition(e.eventType)!, e as EventEnvelope<Record<string, unknown>>));
  };
  const factsOf = async (customerId: string): Promise<Fact[]> =>
    (await eventsOf(customerId)).map((e) => {
      const p = e.payload as { orderId?: string; points: number; balance: number; reason?: string; cause?: string };
      return [e.eventType, p.orderId ?? null, p.points, p.balance, p.reason ?? p.cause ?? null];
    });
  const welcome: Fact = ['PointsEarned', null, 5000, 5000, 'WELCOME'];

  const get = async (customerId: string, path = '/mileage'): Promise<Answer> => call(base, 'GET', path, await issuer.token(customerId));
  /** GET /mileage of the customer, all of it on one page. */
  const walletOf = async (customerId: string) => {
    const { status, body } = await get(customerId, '/mileage?limit=200');
    expect([status, body.nextCursor]).toEqual([200, null]);
    return body as { balance: number; history: { type: string; reason: string; points: number; orderId: string | null; occurredAt: string }[] };
  };
  const historyOf = async (customerId: string) => (await walletOf(customerId)).history.map((h) => [h.type, h.reason, h.points, h.orderId]);
  const orderRow = async (orderId: string) => (await ds.query(`SELECT reservation, ended, points_used, amount_charged, delivered, points_earned FROM order_points WHERE order_id = $1`, [orderId]))[0];
  /** Everything mileage keeps of a customer: the wallet, its history and its orders' rows. */
  const stateOf = async (customerId: string) => ({
    wallet: await ds.query(`SELECT balance FROM wallets WHERE customer_id = $1`, [customerId]),
    history: await ds.query(`SELECT id, type, reason, points, order_id, balance, occurred_at FROM wallet_history WHERE customer_id = $1 ORDER BY occurred_at, id`, [customerId]),
    orders: await ds.query(`SELECT order_id, points_used, reservation, ended, amount_charged, delivered, points_earned FROM order_points WHERE customer_id = $1 ORDER BY order_id`, [customerId]),
  });

  /** Hands an event to its `@EventPattern` method in `work`, as the consumer does. */
  const handle = (work: UnitOfWork, e: EventEnvelope) => {
    const handlers = [UserEventsHandler, OrderEventsHandler, PaymentEventsHandler, StoreEventsHandler, DeliveryEventsHandler].map((h) => app.get(h)) as unknown as Record<
      string,
      (event: EventEnvelope, ctx: EventContext) => Promise<void>
    >[];
    const handler = handlers.find((h) => typeof h[`on${e.eventType}`] === 'function')!;
    return handler[`on${e.eventType}`](e, new EventContext([work, {} as ConsumedMessage, '', 0, 'mileage']));
  };

  beforeAll(async () => {
    await issuer.start();
    await publisher.connect();
    await createTopics(publisher.driver, [Topics.User, Topics.Order, Topics.Payment, Topics.Store, Topics.Delivery, Topics.Mileage]);
    ({ app, base, close } = await startApp('mileage', MileageConfig, (c) => MileageModule.register(c), { DATABASE_NAME: database, AUTH_JWKS_URL: issuer.jwksUrl }));
    ds = app.get(DataSource);
  });

  afterAll(async () => {
    await close?.();
    await publisher.disconnect();
    await issuer.stop();
    await dropDatabase(database);
  });

  it('welcomes a registering customer with 5000 points (PointsEarned WELCOME) once, however often UserRegistered arrives; the store clerk gets no wallet', async () => {
    const [customer, clerk] = [randomUUID(), randomUUID()];
    const registered = registration(customer);
    await publisher.send(UserRegistered, registered);
    await inTurn(registered, again(registered), registration(clerk, 'store'));
    expect(await factsOf(customer)).toEqual([welcome]);
    const [event] = await eventsOf(customer);
    expect(event).toMatchObject({ aggregateType: 'wallet', aggregateId: customer, producer: 'mileage', causationId: registered.eventId, correlationId: registered.correlationId });
    expect(event.orderId).toBeUndefined();
    expect(await get(customer)).toEqual({
      status: 200,
      body: { balance: 5000, history: [{ type: 'EARNED', reason: 'WELCOME', points: 5000, orderId: null, occurredAt: expect.any(String) }], nextCursor: null },
    });
    expect(await factsOf(clerk)).toEqual([]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM wallets WHERE customer_id = $1`, [clerk])).toEqual([{ n: 0 }]);
  });

  it('opens the wallet at an order event that comes before UserRegistered; UserRegistered then gives nothing more', async () => {
    const customer = randomUUID();
    const order = anOrder(customer);
    await inTurn(approval(order), registration(customer), placing(order));
    expect(await factsOf(customer)).toEqual([welcome]);
    expect((await walletOf(customer)).balance).toBe(5000);
    expect(await historyOf(customer)).toEqual([['EARNED', 'WELCOME', 5000, null]]);
  });

  it('reserves the points an order spends (PointsReserved with the balance after), announced for the order', async () => {
    const customer = randomUUID();
    const order = anOrder(customer, 1500);
    await inTurn(registration(customer));
    const placed = placing(order);
    await inTurn(placed);
    expect(await factsOf(customer)).toEqual([welcome, ['PointsReserved', order.orderId, 1500, 3500, null]]);
    const reserved = (await eventsOf(customer))[1];
    expect(reserved).toMatchObject({ aggregateType: 'wallet', aggregateId: customer, orderId: order.orderId, causationId: placed.eventId, correlationId: placed.correlationId });
    expect((await walletOf(customer)).balance).toBe(3500);
    expect(await historyOf(customer)).toEqual([
      ['USED', 'ORDER', 1500, order.orderId],
      ['EARNED', 'WELCOME', 5000, null],
    ]);
    expect(await orderRow(order.orderId)).toMatchObject({ reservation: 'RESERVED', points_used: '1500', ended: null });
  });

  it('refuses an order spending more than the balance: PointsReservationFailed INSUFFICIENT_POINTS, the balance untouched', async () => {
    const customer = randomUUID();
    const order = anOrder(customer, 5001);
    await inTurn(registration(customer), placing(order));
    expect(await factsOf(customer)).toEqual([welcome, ['PointsReservationFailed', order.orderId, 5001, 5000, 'INSUFFICIENT_POINTS']]);
    expect((await walletOf(customer)).balance).toBe(5000);
    expect(await historyOf(customer)).toEqual([['EARNED', 'WELCOME', 5000, null]]);
    // A refused order that ends gives nothing back: nothing was taken.
    await inTurn(decline(order), cancellation(order));
    expect(await factsOf(customer)).toHaveLength(2);
    expect(await orderRow(order.orderId)).toMatchObject({ reservation: 'REFUSED', ended: 'REJECTED' });
  });

  it.each([
    ['PaymentFailed', 'ORDER_REJECTED', 'REJECTED', decline],
    ['StockReservationFailed', 'ORDER_REJECTED', 'REJECTED', shortage],
    ['OrderCanceled', 'ORDER_CANCELED', 'CANCELED', cancellation],
  ] as const)('gives reserved points back once on %s (PointsReleased %s, the order %s), whatever ends the order after it', async (_, cause, ended, end) => {
    const customer = randomUUID();
    const order = anOrder(customer, 1200);
    await inTurn(registration(customer), placing(order));
    const ending = end(order);
    await inTurn(ending, ending, again(ending), decline(order), shortage(order), cancellation(order));
    expect(await factsOf(customer)).toEqual([welcome, ['PointsReserved', order.orderId, 1200, 3800, null], ['PointsReleased', order.orderId, 1200, 5000, cause]]);
    expect((await walletOf(customer)).balance).toBe(5000);
    expect(await historyOf(customer)).toEqual([
      ['RELEASED', cause, 1200, order.orderId],
      ['USED', 'ORDER', 1200, order.orderId],
      ['EARNED', 'WELCOME', 5000, null],
    ]);
    expect(await orderRow(order.orderId)).toMatchObject({ reservation: 'RELEASED', ended });
  });

  it('never reserves for an order that ended before its OrderPlaced reached mileage (a dead letter replayed after the cancel, a decline from the other topic)', async () => {
    const customer = randomUUID();
    const [canceledFirst, declinedFirst] = [anOrder(customer, 1000), anOrder(customer, 0)];
    await inTurn(cancellation(canceledFirst), placing(canceledFirst), decline(declinedFirst), placing(declinedFirst));
    expect(await factsOf(customer)).toEqual([welcome]);
    expect((await walletOf(customer)).balance).toBe(5000);
    expect(await orderRow(canceledFirst.orderId)).toMatchObject({ reservation: 'NONE', ended: 'CANCELED', points_used: '1000' });
  });

  it('earns floor(1 %) of the amount charged on delivery, once, whether DeliveryCompleted comes after PaymentApproved or before it', async () => {
    const customer = randomUUID();
    const [after, before, tiny] = [anOrder(customer, 1000, 2_990_000), anOrder(customer, 0, 1_234_599), anOrder(customer, 0, 99)];
    await inTurn(registration(customer), placing(after), approval(after), delivery(after));
    await inTurn(placing(before), delivery(before), approval(before));
    await inTurn(placing(tiny), approval(tiny), delivery(tiny));
    // Again, by the other path too: nothing more.
    await inTurn(again(delivery(after)), approval(before), delivery(before), approval(tiny, 10_000));
    expect(await factsOf(customer)).toEqual([
      welcome,
      ['PointsReserved', after.orderId, 1000, 4000, null],
      ['PointsEarned', after.orderId, 29_890, 33_890, 'ORDER'],
      ['PointsEarned', before.orderId, 12_345, 46_235, 'ORDER'],
    ]);
    expect((await walletOf(customer)).balance).toBe(46_235);
    expect((await historyOf(customer)).slice(0, 2)).toEqual([
      ['EARNED', 'ORDER', 12_345, before.orderId],
      ['EARNED', 'ORDER', 29_890, after.orderId],
    ]);
    expect(await orderRow(tiny.orderId)).toMatchObject({ amount_charged: '99', delivered: true, points_earned: '0' });
  });

  it('earns nothing on an order that was canceled or rejected, and gives its points back', async () => {
    const customer = randomUUID();
    const [canceled, short] = [anOrder(customer, 300), anOrder(customer, 0)];
    await inTurn(registration(customer), placing(canceled), approval(canceled), cancellation(canceled), delivery(canceled));
    await inTurn(placing(short), approval(short), shortage(short), delivery(short));
    expect(await factsOf(customer)).toEqual([
      welcome,
      ['PointsReserved', canceled.orderId, 300, 4700, null],
      ['PointsReleased', canceled.orderId, 300, 5000, 'ORDER_CANCELED'],
    ]);
  });

  it('changes nothing when every event arrives again, as the same envelope or under a new eventId', async () => {
    const customer = randomUUID();
    const [delivered, declined, short, canceled] = [anOrder(customer, 1000), anOrder(customer, 500), anOrder(customer, 300), anOrder(customer, 200)];
    const story = [
      registration(customer),
      placing(delivered),
      approval(delivered),
      delivery(delivered),
      placing(declined),
      decline(declined),
      placing(short),
      approval(short),
      shortage(short),
      placing(canceled),
      cancellation(canceled),
    ];
    await inTurn(...story);
    const facts = await factsOf(customer);
    const state = await stateOf(customer);
    expect(facts.map(([type]) => type)).toEqual([
      'PointsEarned',
      'PointsReserved',
      'PointsEarned',
      'PointsReserved',
      'PointsReleased',
      'PointsReserved',
      'PointsReleased',
      'PointsReserved',
      'PointsReleased',
    ]);
    expect(state.wallet).toEqual([{ balance: String(5000 - 1000 + 29_890) }]);

    for (const e of story) await publisher.send(eventDefinition(e.eventType)!, e);
    await handled(...story);
    await inTurn(...story.map(again));
    expect(await factsOf(customer)).toEqual(facts);
    expect(await stateOf(customer)).toEqual(state);
  });

  it('never overdraws the wallet with 20 orders of one customer spending points at once: exactly 12 of 400 reserved, 8 refused', async () => {
    // Through the consumer: one burst, the customer not registered yet (the first run opens the wallet).
    const customer = randomUUID();
    const orders = Array.from({ length: 20 }, () => anOrder(customer, 400));
    await atOnce(...orders.map(placing), registration(customer));
    // And 20 transactions of their own at the same moment, racing for another wallet's lock.
    const racer = randomUUID();
    const raced = Array.from({ length: 20 }, () => anOrder(racer, 400));
    await Promise.all(raced.map((o) => inUnitOfWork(ds, (work) => handle(work, placing(o)))));

    for (const [who, placed] of [
      [customer, orders],
      [racer, raced],
    ] as const) {
      const facts = await factsOf(who);
      const reserved = facts.filter(([type]) => type === 'PointsReserved');
      const refused = facts.filter(([type]) => type === 'PointsReservationFailed');
      expect(facts.filter(([type]) => type === 'PointsEarned')).toEqual([welcome]);
      expect([reserved.length, refused.length]).toEqual([12, 8]);
      expect(reserved.reduce((sum, [, , points]) => sum + points, 0)).toBeLessThanOrEqual(5000);
      expect(reserved.map(([, , , balance]) => balance)).toEqual(Array.from({ length: 12 }, (_, i) => 5000 - 400 * (i + 1)));
      expect(refused.every(([, , points, balance]) => points === 400 && balance === 200)).toBe(true);
      expect(new Set([...reserved, ...refused].map(([, orderId]) => orderId))).toEqual(new Set(placed.map((o) => o.orderId)));
      const { balance, history } = await walletOf(who);
      expect(balance).toBe(200);
      expect(history.filter((h) => h.type === 'USED')).toHaveLength(12);
    }
  });

  it('takes a run in eight statements of its own however long it is: the wallets and the orders locked and read, then written, then the events', async () => {
    const customers = [randomUUID(), randomUUID(), randomUUID()];
    const orders = customers.flatMap((c) => [anOrder(c, 700), anOrder(c, 0)]);
    const run = [
      ...orders.map(placing),
      registration(customers[0]),
      ...orders.map((o) => approval(o)),
      cancellation(orders[0]),
      decline(orders[2]),
      ...orders.map(delivery),
    ];
    const statements = await ds.transaction(async (em) => {
      const seen: string[] = [];
      const runner = em.queryRunner!;
      const query = runner.query.bind(runner);
      runner.query = ((sql: string, ...rest: unknown[]) => {
        seen.push(sql);
        return (query as (...args: unknown[]) => Promise<unknown>)(sql, ...rest);
      }) as typeof runner.query;
      // As the consumer runs a run: one unit of work, one lane per Kafka key (here, per order and per user), side by side.
      const work = new UnitOfWork(em);
      await inLanes(run, (e) => (e.payload as { orderId?: string }).orderId ?? (e.payload as { userId: string }).userId, (e) => handle(work, e));
      await work.flush();
      runner.query = query;
      return seen;
    });
    expect(statements).toEqual([
      expect.stringContaining('pg_advisory_xact_lock'),
      expect.stringMatching(/^SELECT .* FROM "wallets"/),
      expect.stringContaining('pg_advisory_xact_lock'),
      expect.stringMatching(/^SELECT .* FROM "order_points"/),
      expect.stringMatching(/^INSERT INTO "wallets"/),
      expect.stringMatching(/^INSERT INTO wallet_history/),
      expect.stringMatching(/^INSERT INTO "order_points"/),
      expect.stringMatching(/^INSERT INTO outbox/),
    ]);
    // Each customer: an order spending 700 (canceled, declined, or delivered) and one spending none, delivered.
    const balances = await Promise.all(customers.map(async (c) => (await walletOf(c)).balance));
    expect(balances).toEqual([5000 + 29_900, 5000 + 29_900, 5000 - 700 + 29_893 + 29_900]);
    const kinds = async (c: string) => (await factsOf(c)).map(([type, , points]) => `${type} ${points}`).sort();
    expect(await kinds(customers[0])).toEqual(['PointsEarned 29900', 'PointsEarned 5000', 'PointsReleased 700', 'PointsReserved 700']);
    expect(await kinds(customers[1])).toEqual(['PointsEarned 29900', 'PointsEarned 5000', 'PointsReleased 700', 'PointsReserved 700']);
    expect(await kinds(customers[2])).toEqual(['PointsEarned 29893', 'PointsEarned 29900', 'PointsEarned 5000', 'PointsReserved 700']);
  });

  it('pages the history newest first like every paged list: none skipped or repeated while lines arrive, 50 a page unless told; 400 for a bad cursor or limit', async () => {
    const customer = randomUUID();
    const orders = Array.from({ length: 60 }, () => anOrder(customer, 1));
    await inTurn(registration(customer));
    await atOnce(...orders.map(placing));
    const all = await walkPages<{ type: string; orderId: string | null; occurredAt: string }>((path) => get(customer, path), '/mileage', 'history', { limit: 200 });
    expect(all.pages).toEqual([61]);
    expect(all.rows.at(-1)).toMatchObject({ type: 'EARNED', orderId: null });
    expect(new Set(all.rows.map((h) => h.orderId)).size).toBe(61);
    const times = all.rows.map((h) => h.occurredAt);
    expect(times).toEqual([...times].sort().reverse());

    // Walked 7 at a time while more points are used: the new lines come before the page reached, none is lost.
    const arriving: EventEnvelope[] = [];
    const walk = await walkPages<{ orderId: string | null }>((path) => get(customer, path), '/mileage', 'history', {
      limit: 7,
      between: async () => {
        const more = placing(anOrder(customer, 1));
        arriving.push(more);
        await inTurn(more);
      },
    });
    const walked = walk.rows.map((h) => h.orderId);
    expect(walked.length).toBe(new Set(walked).size); // none repeated
    expect(walked.filter((id) => all.rows.some((h) => h.orderId === id))).toEqual(all.rows.map((h) => h.orderId)); // none skipped, same order
    expect(walk.pages.slice(0, -1).every((n) => n === 7)).toBe(true);

    const now = await walkPages<{ orderId: string | null }>((path) => get(customer, path), '/mileage', 'history', { limit: 200 });
    expect(now.rows).toHaveLength(61 + arriving.length);
    const first = await get(customer);
    expect(first.status).toBe(200);
    expect(first.body.balance).toBe(5000 - 60 - arriving.length);
    expect(first.body.history.map((h: { orderId: string }) => h.orderId)).toEqual(now.rows.slice(0, 50).map((h) => h.orderId));
    const second = await get(customer, `/mileage?before=${first.body.nextCursor}`);
    expect(second.body.history.map((h: { orderId: string }) => h.orderId)).toEqual(now.rows.slice(50, 100).map((h) => h.orderId));
    expect(second.body.balance).toBe(first.body.balance);

    for (const limit of ['0', '201', 'ten', '']) {
      expect([limit, await get(customer, `/mileage?limit=${limit}`)]).toEqual([
        limit,
        { status: 400, body: expect.objectContaining({ code: 'REQUEST.VALIDATION_FAILED', fields: [expect.objectContaining({ field: 'limit' })] }) },
      ]);
    }
    const edited = Buffer.from(`2026-02-30T10:00:00.000000Z|${randomUUID()}`).toString('base64url');
    for (const before of ['bm9wZQ', edited, `${first.body.nextCursor}x`]) {
      expect([before, await get(customer, `/mileage?before=${before}`)]).toEqual([before, { status: 400, body: expect.objectContaining({ code: 'MILEAGE.INVALID_CURSOR' }) }]);
    }
  });

  it("shows a customer only their own wallet: someone else's is not visible; no wallet yet is 0 points and no history; the store and strangers are refused", async () => {
    const [owner, other] = [randomUUID(), randomUUID()];
    await inTurn(registration(owner), placing(anOrder(owner, 250)));
    expect((await walletOf(owner)).balance).toBe(4750);
    expect(await get(other)).toEqual({ status: 200, body: { balance: 0, history: [], nextCursor: null } });
    const page = await get(owner, '/mileage?limit=1');
    expect(page.body.nextCursor).toEqual(expect.any(String));
    expect(await get(other, `/mileage?before=${page.body.nextCursor}`)).toEqual({ status: 200, body: { balance: 0, history: [], nextCursor: null } });
    expect((await call(base, 'GET', '/mileage', await issuer.token(owner, 'store'))).status).toBe(403);
    expect((await call(base, 'GET', '/mileage')).status).toBe(401);
  });
});
