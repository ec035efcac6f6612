import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventEnvelope, OrderCanceled, OrderPlaced, OrderPlacedPayload, StockReservationFailed, Topics } from '@homestore/events';
import { PaymentConfig } from '../src/payment.config';
import { PaymentModule } from '../src/payment.module';
import { call, createTopics, dropDatabase, eventsOfKey, eventually, outboxDrained, startApp, TestIssuer, TestPublisher } from '@homestore/testing';

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
    return eventsOfKey(publisher.kafka, Topics.Payment, orderId);
  };
  /** Waits until the payment consumer has handled (or skipped as a duplicate) these events. */
  const handled = (...events: EventEnvelope[]) =>
    eventually(
      'the events to be handled',
      async () => (await app.get(DataSource).query(`SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1)`, [events.map((e) => e.eventId)]))[0].n,
      (n) => n === events.length,
    );
  const placed = async (order: OrderPlacedPayload) => handled(await publisher.publish(OrderPlaced, order));

  beforeAll(async () => {
    await issuer.start();
    await publisher.connect();
    await createTopics(publisher.kafka, [Topics.Order, Topics.Store, Topics.Payment]);
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

  it('shows a payment to its owner and the store, and 404 to another customer', async () => {
    const order = anOrder();
    await placed(order);
    expect((await paymentOf(order, storeToken)).body).toMatchObject({ orderId: order.orderId, status: 'APPROVED' });
    const other = await paymentOf(order, await tokenOf(randomUUID()));
    expect(other).toEqual({ status: 404, body: { statusCode: 404, code: 'PAYMENT.NOT_FOUND', message: expect.any(String) } });
    expect((await call(base, 'GET', `/payments/${order.orderId}`)).status).toBe(401);
    expect((await call(base, 'GET', '/payments/not-an-order', storeToken)).body).toMatchObject({ statusCode: 404, code: 'PAYMENT.NOT_FOUND' });
  });
});
