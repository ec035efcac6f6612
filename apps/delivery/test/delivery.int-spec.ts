import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventEnvelope, OrderAccepted, OrderAcceptedPayload, StoreOrderCanceled, Topics } from '@homestore/events';
import { DeliveryConfig } from '../src/delivery.config';
import { DeliveryModule } from '../src/delivery.module';
import { call, createTopics, dropDatabase, eventsOfKey, eventually, outboxDrained, startApp, TestIssuer, TestPublisher } from '@homestore/testing';

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
    return eventsOfKey(publisher.kafka, Topics.Delivery, orderId);
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
  const deliveryOf = async (order: OrderAcceptedPayload, token?: string) => call(base, 'GET', `/deliveries/${order.orderId}`, token ?? (await issuer.token(order.customerId)));
  const complete = (order: OrderAcceptedPayload, token = store) => call(base, 'POST', `/deliveries/${order.orderId}/complete`, token);

  beforeAll(async () => {
    await issuer.start();
    await publisher.connect();
    await createTopics(publisher.kafka, [Topics.Store, Topics.Delivery]);
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
});
