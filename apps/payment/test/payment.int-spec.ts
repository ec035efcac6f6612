import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  EventDefinition,
  EventEnvelope,
  OrderCanceled,
  OrderPlaced,
  OrderPlacedPayload,
  PointsReservationFailed,
  PointsReserved,
  RefundCause,
  StockReservationFailed,
  Topics,
} from '@homestore/events';
import { inLanes } from '@homestore/messaging';
import { UnitOfWork } from '@homestore/persistence';
import { Payments } from '../src/application/payments';
import { PaymentRepository } from '../src/infrastructure/payment.repository';
import { PaymentConfig } from '../src/payment.config';
import { PaymentModule } from '../src/payment.module';
import {
  call,
  createTopics,
  dropDatabase,
  eventsOfKey,
  eventually,
  outboxDrained,
  readWholeTopic,
  startApp,
  TestIssuer,
  TestPublisher,
} from '@homestore/testing';

function anOrder(overrides: Partial<OrderPlacedPayload> & { cardToken?: string } = {}): OrderPlacedPayload {
  const { cardToken = 'tok_visa', ...rest } = overrides;
  return {
    orderId: randomUUID(),
    customerId: randomUUID(),
    items: [{ productId: randomUUID(), name: 'LG WashTower 25kg', unitPrice: 2_990_000, quantity: 2 }],
    totalAmount: 5_980_000,
    deliveryAddress: 'Seoul, Gangnam-gu, Teheran-ro 123',
    deliveryPhone: '010-1234-5678',
    payment: { method: 'card', cardToken },
    ...rest,
  };
}

describe('payment service (real Kafka and PostgreSQL)', () => {
  const database = `hs_payment_${randomUUID().slice(0, 8)}`;
  const issuer = new TestIssuer();
  const publisher = new TestPublisher();
  let app: INestApplication;
  let base: string;
  let close: () => Promise<void>;
  let storeToken: string;

  const tokenOf = (customerId: string) => issuer.token(customerId);
  const paymentOf = async (order: OrderPlacedPayload, token?: string) => call(base, 'GET', `/payments/${order.orderId}`, token ?? (await tokenOf(order.customerId)));
  /** Everything published for the order so far (once the outbox has drained). */
  const paymentEvents = async (orderId: string) => {
    await outboxDrained(app.get(DataSource));
    return eventsOfKey(publisher.driver, Topics.Payment, orderId);
  };
  /** Waits until the payment consumer has handled (or skipped as a duplicate) these events. */
  const handled = (...events: EventEnvelope[]) =>
    eventually(
      'the events to be handled',
      async () => (await app.get(DataSource).query(`SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1)`, [events.map((e) => e.eventId)]))[0].n,
      (n) => n === events.length,
    );
  const placed = async (order: OrderPlacedPayload) => handled(await publisher.publish(OrderPlaced, order));
  const shortOf = (order: OrderPlacedPayload) => ({
    storeOrderId: randomUUID(),
    orderId: order.orderId,
    customerId: order.customerId,
    items: [{ productId: order.items[0].productId, quantity: 2 }],
    shortProductIds: [order.items[0].productId],
  });
  /** Publishes the events in one producer request, so that the consumer fetches them at once; each key's in the order given. */
  const burst = async (...events: [EventDefinition, EventEnvelope][]) => {
    await publisher.sendTogether(...events.map(([, envelope]) => envelope));
    return events.map(([, envelope]) => envelope);
  };
  /** Each order's events on the payment topic, in the order published (once the outbox has drained): [type, cause]. */
  const paymentEventsOf = async (orders: OrderPlacedPayload[]) => {
    await outboxDrained(app.get(DataSource));
    const messages = await readWholeTopic(publisher.driver, Topics.Payment);
    const byOrder = new Map(orders.map((o) => [o.orderId, [] as [string, string | undefined][]]));
    for (const m of messages) {
      const event = JSON.parse(m.value!.toString()) as EventEnvelope<{ cause?: string }>;
      byOrder.get(m.key!.toString())?.push([event.eventType, event.payload.cause]);
    }
    return byOrder;
  };
  const statusesOf = async (orders: OrderPlacedPayload[]) => {
    const rows: { order_id: string; status: string; reason: string | null }[] = await app
      .get(DataSource)
      .query(`SELECT order_id, status, reason FROM payments WHERE order_id = ANY($1)`, [orders.map((o) => o.orderId)]);
    return new Map(rows.map((r) => [r.order_id, [r.status, r.reason]]));
  };

  beforeAll(async () => {
    await issuer.start();
    await publisher.connect();
    await createTopics(publisher.driver, [Topics.Order, Topics.Store, Topics.Payment, Topics.Mileage]);
    ({ app, base, close } = await startApp('payment', PaymentConfig, (c) => PaymentModule.register(c), { DATABASE_NAME: database, AUTH_JWKS_URL: issuer.jwksUrl }));
    storeToken = await issuer.token(randomUUID(), 'store');
  });

  afterAll(async () => {
    await close?.();
    await publisher.disconnect();
    await issuer.stop();
    await dropDatabase(database);
  });

  it('charges a placed order and announces PaymentApproved with what the store needs', async () => {
    const order = anOrder();
    await placed(order);
    const payment = await paymentOf(order);
    expect(payment).toEqual({ status: 200, body: { orderId: order.orderId, status: 'APPROVED', amount: 5_980_000, updatedAt: expect.any(String) } });
    const [approved, ...more] = await paymentEvents(order.orderId);
    expect(more).toEqual([]);
    expect(approved).toMatchObject({
      eventType: 'PaymentApproved',
      aggregateType: 'payment',
      orderId: order.orderId,
      producer: 'payment',
      payload: {
        orderId: order.orderId,
        customerId: order.customerId,
        amount: 5_980_000,
        items: order.items,
        deliveryAddress: order.deliveryAddress,
        deliveryPhone: order.deliveryPhone,
      },
    });
    expect(approved.aggregateId).toBe((approved.payload as { paymentId: string }).paymentId);
  });

  it.each([
    ['tok_decline', 5_980_000, 'CARD_DECLINED'],
    ['tok_visa', 50_000_001, 'LIMIT_EXCEEDED'],
  ])('refuses %s for %d with PaymentFailed %s and takes nothing', async (cardToken, totalAmount, reason) => {
    const order = anOrder({ cardToken, totalAmount });
    await placed(order);
    expect((await paymentOf(order)).body).toMatchObject({ status: 'FAILED', reason, amount: totalAmount });
    const events = await paymentEvents(order.orderId);
    expect(events.map((e) => [e.eventType, (e.payload as { reason: string }).reason])).toEqual([['PaymentFailed', reason]]);
    // a declined order canceled later has nothing to refund
    await handled(await publisher.publish(OrderCanceled, { orderId: order.orderId, customerId: order.customerId }));
    expect((await paymentOf(order)).body.status).toBe('FAILED');
  });

  it('charges at most once when OrderPlaced is redelivered (the same envelope twice, and again under a new eventId)', async () => {
    const order = anOrder();
    const envelope = publisher.envelope(OrderPlaced, order);
    await publisher.send(OrderPlaced, envelope);
    await publisher.send(OrderPlaced, envelope);
    const again = await publisher.publish(OrderPlaced, order);
    await handled(envelope, again);
    const canceled = await publisher.publish(OrderCanceled, { orderId: order.orderId, customerId: order.customerId });
    await handled(canceled);
    const events = await paymentEvents(order.orderId);
    expect(events.map((e) => e.eventType)).toEqual(['PaymentApproved', 'PaymentRefunded']);
    const rows = await app.get(DataSource).query(`SELECT status FROM payments WHERE order_id = $1`, [order.orderId]);
    expect(rows).toEqual([{ status: 'REFUNDED' }]);
  });

  it('refunds a canceled order once (PaymentRefunded ORDER_CANCELED), however often the cancel arrives', async () => {
    const order = anOrder();
    await placed(order);
    const cancel = await publisher.publish(OrderCanceled, { orderId: order.orderId, customerId: order.customerId });
    await publisher.send(OrderCanceled, cancel);
    await handled(cancel, await publisher.publish(OrderCanceled, { orderId: order.orderId, customerId: order.customerId }));
    expect((await paymentOf(order)).body).toMatchObject({ status: 'REFUNDED', reason: 'ORDER_CANCELED' });
    const events = await paymentEvents(order.orderId);
    expect(events.map((e) => e.eventType)).toEqual(['PaymentApproved', 'PaymentRefunded']);
    expect(events[1].payload).toMatchObject({ cause: 'ORDER_CANCELED', amount: order.totalAmount, customerId: order.customerId });
  });

  it('refunds an order the store could not supply (OUT_OF_STOCK), and not again when it is also canceled', async () => {
    const order = anOrder();
    await placed(order);
    const short = await publisher.publish(StockReservationFailed, {
      storeOrderId: randomUUID(),
      orderId: order.orderId,
      customerId: order.customerId,
      items: [{ productId: order.items[0].productId, quantity: 2 }],
      shortProductIds: [order.items[0].productId],
    });
    // The store's answer first (events of two topics have no order between them: the race is the next test).
    await handled(short);
    await handled(await publisher.publish(OrderCanceled, { orderId: order.orderId, customerId: order.customerId }));
    expect((await paymentOf(order)).body).toMatchObject({ status: 'REFUNDED', reason: 'OUT_OF_STOCK' });
    const events = await paymentEvents(order.orderId);
    expect(events.map((e) => [e.eventType, (e.payload as { cause?: string }).cause])).toEqual([
      ['PaymentApproved', undefined],
      ['PaymentRefunded', 'OUT_OF_STOCK'],
    ]);
  });

  it('refunds once when the cancel and the out-of-stock answer race in from their two topics', async () => {
    const order = anOrder();
    await placed(order);
    const [cancel, short] = await Promise.all([
      publisher.publish(OrderCanceled, { orderId: order.orderId, customerId: order.customerId }),
      publisher.publish(StockReservationFailed, {
        storeOrderId: randomUUID(),
        orderId: order.orderId,
        customerId: order.customerId,
        items: [{ productId: order.items[0].productId, quantity: 2 }],
        shortProductIds: [order.items[0].productId],
      }),
    ]);
    await handled(cancel, short);
    const events = await paymentEvents(order.orderId);
    expect(events.map((e) => e.eventType)).toEqual(['PaymentApproved', 'PaymentRefunded']);
    expect((await paymentOf(order)).body.status).toBe('REFUNDED');
  });

  it('records a refund that fails (tok_refund_fail) as REFUND_FAILED with PaymentRefundFailed and its reason', async () => {
    const order = anOrder({ cardToken: 'tok_refund_fail' });
    await placed(order);
    await handled(await publisher.publish(OrderCanceled, { orderId: order.orderId, customerId: order.customerId }));
    const payment = (await paymentOf(order)).body;
    expect(payment).toMatchObject({ status: 'REFUND_FAILED', reason: expect.any(String) });
    const events = await paymentEvents(order.orderId);
    expect(events.map((e) => e.eventType)).toEqual(['PaymentApproved', 'PaymentRefundFailed']);
    expect(events[1].payload).toMatchObject({ cause: 'ORDER_CANCELED', reason: payment.reason });
  });

  it('never charges an order whose cancel arrived first', async () => {
    const order = anOrder();
    await handled(await publisher.publish(OrderCanceled, { orderId: order.orderId, customerId: order.customerId }));
    await placed(order);
    expect((await paymentOf(order)).status).toBe(404);
    const rows = await app.get(DataSource).query(`SELECT status FROM payments WHERE order_id = $1`, [order.orderId]);
    expect(rows).toEqual([{ status: 'VOIDED' }]);
  });

  describe('orders spending points', () => {
    /** An order spending 3,000 points: 5,977,000 is charged once mileage has reserved them. */
    const spending = () => anOrder({ pointsUsed: 3000, amountDue: 5_977_000 });
    const points = (order: OrderPlacedPayload) => ({ customerId: order.customerId, orderId: order.orderId, points: order.pointsUsed!, balance: 2000 });
    const reservedFor = (order: OrderPlacedPayload) => publisher.envelope(PointsReserved, points(order));
    const refusedFor = (order: OrderPlacedPayload) => publisher.envelope(PointsReservationFailed, { ...points(order), balance: 100, reason: 'INSUFFICIENT_POINTS' });
    const cancelOf = (order: OrderPlacedPayload) => publisher.envelope(OrderCanceled, { orderId: order.orderId, customerId: order.customerId });
    const happened = async (...events: [EventDefinition, EventEnvelope][]) => {
      for (const [definition, envelope] of events) await publisher.send(definition, envelope);
      await handled(...new Set(events.map(([, envelope]) => envelope)));
    };
    const rowOf = async (order: OrderPlacedPayload) =>
      (await app.get(DataSource).query(`SELECT status, amount, order_details FROM payments WHERE order_id = $1`, [order.orderId]))[0];
    const approvedFor = (order: OrderPlacedPayload) => ({
      eventType: 'PaymentApproved',
      payload: {
        paymentId: expect.any(String),
        orderId: order.orderId,
        customerId: order.customerId,
        amount: 5_977_000,
        items: order.items,
        deliveryAddress: order.deliveryAddress,
        deliveryPhone: order.deliveryPhone,
      },
    });

    it('placed first: waits, keeping the order, then charges amountDue once the points are reserved and announces what the store needs', async () => {
      const order = spending();
      await placed(order);
      expect(await rowOf(order)).toEqual({
        status: 'AWAITING_POINTS',
        amount: '5977000',
        order_details: { items: order.items, deliveryAddress: order.deliveryAddress, deliveryPhone: order.deliveryPhone },
      });
      expect(await paymentEvents(order.orderId)).toEqual([]);
      expect((await paymentOf(order)).status).toBe(404);

      await happened([PointsReserved, reservedFor(order)]);
      const events = await paymentEvents(order.orderId);
      expect(events).toEqual([expect.objectContaining(approvedFor(order))]);
      expect(await rowOf(order)).toEqual({ status: 'APPROVED', amount: '5977000', order_details: null });
      expect((await paymentOf(order)).body).toMatchObject({ status: 'APPROVED', amount: 5_977_000 });
    });

    it('points reserved first: waits for the order, then charges amountDue', async () => {
      const order = spending();
      await happened([PointsReserved, reservedFor(order)]);
      expect(await rowOf(order)).toEqual({ status: 'POINTS_RESERVED', amount: '0', order_details: null });
      expect(await paymentEvents(order.orderId)).toEqual([]);
      await placed(order);
      expect(await paymentEvents(order.orderId)).toEqual([expect.objectContaining(approvedFor(order))]);
    });

    it.each([
      ['the order first', (order: OrderPlacedPayload): [EventDefinition, EventEnvelope][] => [[OrderPlaced, publisher.envelope(OrderPlaced, order)], [PointsReservationFailed, refusedFor(order)]]],
      ['the refusal first', (order: OrderPlacedPayload): [EventDefinition, EventEnvelope][] => [[PointsReservationFailed, refusedFor(order)], [OrderPlaced, publisher.envelope(OrderPlaced, order)]]],
    ])('never charges an order whose points could not be reserved (%s) and announces nothing; a cancel later voids it with PaymentVoided, once', async (_, events) => {
      const order = spending();
      for (const event of [...events(order), [PointsReserved, reservedFor(order)] as [EventDefinition, EventEnvelope]]) await happened(event);
      expect(await rowOf(order)).toMatchObject({ status: 'POINTS_UNAVAILABLE', order_details: null });
      expect(await paymentEvents(order.orderId)).toEqual([]);
      expect((await paymentOf(order)).status).toBe(404);

      const cancel = cancelOf(order);
      await happened([OrderCanceled, cancel], [OrderCanceled, cancel], [OrderCanceled, cancelOf(order)]);
      const voided = await paymentEvents(order.orderId);
      expect(voided).toEqual([
        expect.objectContaining({
          eventType: 'PaymentVoided',
          aggregateType: 'payment',
          causationId: cancel.eventId,
          payload: { paymentId: expect.any(String), orderId: order.orderId, customerId: order.customerId, cause: 'ORDER_CANCELED' },
        }),
      ]);
      expect(voided[0].aggregateId).toBe((voided[0].payload as { paymentId: string }).paymentId);
      expect((await rowOf(order)).status).toBe('VOIDED');
    });

    it('voids an order canceled while its charge waits for the points: PaymentVoided once, however often the cancel comes, and no charge when the points come later', async () => {
      const order = spending();
      await placed(order);
      const cancel = cancelOf(order);
      await happened([OrderCanceled, cancel], [OrderCanceled, cancel], [OrderCanceled, cancelOf(order)]);
      await happened([PointsReserved, reservedFor(order)], [OrderPlaced, publisher.envelope(OrderPlaced, order)]);
      expect((await paymentEvents(order.orderId)).map((e) => [e.eventType, (e.payload as { cause: string }).cause])).toEqual([['PaymentVoided', 'ORDER_CANCELED']]);
      expect(await rowOf(order)).toEqual({ status: 'VOIDED', amount: '5977000', order_details: null });
      expect((await paymentOf(order)).status).toBe(404);
    });

    it('charges each order once when its OrderPlaced and PointsReserved race in from their two topics, redelivered too', async () => {
      const orders = Array.from({ length: 12 }, () => spending());
      const placedEvents = orders.map((o) => publisher.envelope(OrderPlaced, o));
      const reservedEvents = orders.map(reservedFor);
      const again = orders.slice(0, 4).map(reservedFor); // redelivered under new eventIds
      const events = await burst(
        ...orders.flatMap((o, i): [EventDefinition, EventEnvelope][] => [
          [OrderPlaced, placedEvents[i]],
          [PointsReserved, reservedEvents[i]],
        ]),
        ...placedEvents.slice(0, 4).map((e): [EventDefinition, EventEnvelope] => [OrderPlaced, e]), // the same envelopes again
        ...again.map((e): [EventDefinition, EventEnvelope] => [PointsReserved, e]),
      );
      await handled(...new Set(events));
      const byOrder = await paymentEventsOf(orders);
      expect(byOrder).toEqual(new Map(orders.map((o) => [o.orderId, [['PaymentApproved', undefined]]])));
      expect(await statusesOf(orders)).toEqual(new Map(orders.map((o) => [o.orderId, ['APPROVED', null]])));
    });
  });

  it('shows a payment to its owner and the store, and 404 to another customer', async () => {
    const order = anOrder();
    await placed(order);
    expect((await paymentOf(order, storeToken)).body).toMatchObject({ orderId: order.orderId, status: 'APPROVED' });
    const other = await paymentOf(order, await tokenOf(randomUUID()));
    expect(other).toEqual({ status: 404, body: { statusCode: 404, code: 'PAYMENT.NOT_FOUND', message: expect.any(String) } });
    expect((await call(base, 'GET', `/payments/${order.orderId}`)).status).toBe(401);
    expect((await call(base, 'GET', '/payments/not-an-order', storeToken)).body).toMatchObject({ statusCode: 404, code: 'PAYMENT.NOT_FOUND' });
  });

  it('takes a run of events in four statements however long it is, each event seeing what the ones before it left', async () => {
    const [a, b, c] = [anOrder(), anOrder({ cardToken: 'tok_refund_fail' }), anOrder()];
    const payments = app.get(Payments);
    // What the handlers pass on, run as the consumer runs a fetch: one unit of work, one lane per order.
    type OrderEvent = { orderId: string; handle: (work: UnitOfWork) => Promise<void> };
    const charge = (order: OrderPlacedPayload): OrderEvent => ({ orderId: order.orderId, handle: (work) => payments.orderPlaced(work, order) });
    const refund = (order: OrderPlacedPayload, cause: RefundCause): OrderEvent => ({ orderId: order.orderId, handle: (work) => payments.refund(work, order, cause) });
    const events: OrderEvent[] = [
      charge(a),
      charge(b),
      refund(c, 'ORDER_CANCELED'),
      refund(a, 'ORDER_CANCELED'),
      charge(a),
      refund(b, 'OUT_OF_STOCK'),
      charge(c),
      refund(a, 'OUT_OF_STOCK'),
      refund(b, 'ORDER_CANCELED'),
    ];
    const runner = app.get(DataSource).createQueryRunner();
    const statements: string[] = [];
    const query = runner.query.bind(runner);
    await runner.startTransaction();
    try {
      runner.query = ((sql: string, ...rest: unknown[]) => {
        statements.push(sql);
        return (query as (...args: unknown[]) => Promise<unknown>)(sql, ...rest);
      }) as typeof runner.query;
      const work = new UnitOfWork(runner.manager);
      await inLanes(events, (e) => e.orderId, (e) => e.handle(work));
      await work.flush();
      runner.query = query;
      await runner.commitTransaction();
    } catch (e) {
      await runner.rollbackTransaction();
      throw e;
    } finally {
      await runner.release();
    }
    // the orders' locks, their payments, every changed payment, every event
    expect(statements).toHaveLength(4);
    expect(await statusesOf([a, b, c])).toEqual(
      new Map([
        [a.orderId, ['REFUNDED', 'ORDER_CANCELED']],
        [b.orderId, ['REFUND_FAILED', expect.any(String)]],
        [c.orderId, ['VOIDED', null]],
      ]),
    );
    expect(await paymentEventsOf([a, b, c])).toEqual(
      new Map([
        [a.orderId, [['PaymentApproved', undefined], ['PaymentRefunded', 'ORDER_CANCELED']]],
        [b.orderId, [['PaymentApproved', undefined], ['PaymentRefundFailed', 'OUT_OF_STOCK']]],
        [c.orderId, []],
      ]),
    );
  });

  it('ends a burst of order and store events, taken in runs, as one at a time would', async () => {
    const orders = Array.from({ length: 30 }, () => anOrder());
    const canceled = orders.slice(0, 4);
    const short = orders.slice(4, 8);
    const both = orders[8];
    const redelivered = orders[9];
    const loadMany = jest.spyOn(app.get(PaymentRepository), 'loadMany');
    let causes: EventEnvelope[] = [];
    try {
      const fromOrders = await burst(
        ...orders.map((o): [EventDefinition, EventEnvelope] => [OrderPlaced, publisher.envelope(OrderPlaced, o)]),
        ...canceled.map((o): [EventDefinition, EventEnvelope] => [OrderCanceled, publisher.envelope(OrderCanceled, { orderId: o.orderId, customerId: o.customerId })]),
        // redelivered under new eventIds: one after its cancel, one still paid
        [OrderPlaced, publisher.envelope(OrderPlaced, canceled[1])],
        [OrderPlaced, publisher.envelope(OrderPlaced, redelivered)],
      );
      await handled(...fromOrders);
      // The store answers paid orders only (after PaymentApproved): its burst comes second. A short order also
      // canceled races in from the two topics; one already refunded for its cancel is not refunded again.
      const fromStore = await burst(
        ...[...short, both, canceled[0]].map((o): [EventDefinition, EventEnvelope] => [StockReservationFailed, publisher.envelope(StockReservationFailed, shortOf(o))]),
        [OrderCanceled, publisher.envelope(OrderCanceled, { orderId: both.orderId, customerId: both.customerId })],
      );
      await handled(...fromStore);
      causes = [...fromOrders, ...fromStore];
      // taken in runs: the first loads of a run's orders were answered by one read
      expect(Math.max(...loadMany.mock.calls.map(([, orderIds]) => orderIds.length))).toBeGreaterThan(1);
    } finally {
      loadMany.mockRestore();
    }
    const refundedFor = (o: OrderPlacedPayload) => (canceled.includes(o) ? 'ORDER_CANCELED' : short.includes(o) ? 'OUT_OF_STOCK' : undefined);
    const events = await paymentEventsOf(orders);
    const bothEvents = events.get(both.orderId)!;
    expect(bothEvents).toEqual([['PaymentApproved', undefined], ['PaymentRefunded', expect.stringMatching(/^(ORDER_CANCELED|OUT_OF_STOCK)$/)]]);
    expect(events).toEqual(
      new Map(
        orders.map((o) => [
          o.orderId,
          o === both ? bothEvents : refundedFor(o) ? [['PaymentApproved', undefined], ['PaymentRefunded', refundedFor(o)]] : [['PaymentApproved', undefined]],
        ]),
      ),
    );
    expect(await statusesOf(orders)).toEqual(
      new Map(orders.map((o) => [o.orderId, o === both ? ['REFUNDED', bothEvents[1][1]] : refundedFor(o) ? ['REFUNDED', refundedFor(o)] : ['APPROVED', null]])),
    );
    // Decided in runs, each payment event still names the order or store event that caused it, with its correlation.
    const byId = new Map(causes.map((e) => [e.eventId, e]));
    const ours = new Set(orders.map((o) => o.orderId));
    const facts = (await readWholeTopic(publisher.driver, Topics.Payment)).map((m) => JSON.parse(m.value!.toString()) as EventEnvelope).filter((e) => ours.has(e.orderId!));
    expect(facts.length).toBeGreaterThanOrEqual(orders.length);
    for (const fact of facts) expect(byId.get(fact.causationId)).toMatchObject({ correlationId: fact.correlationId, payload: { orderId: fact.orderId } });
  });
});
