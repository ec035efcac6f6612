/**
 * Sagas as myPage sees them, for the projection's tests (pure, and against PostgreSQL): events built in the order
 * they happened, and a seeded shuffle so a failing arrival order can be replayed.
 */
import { randomUUID } from 'node:crypto';
import { EventEnvelope } from '@homestore/events';

/** A tiny deterministic PRNG, so a failing permutation can be replayed. */
export function random(seed: number): () => number {
  return () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

export function shuffle<T>(items: T[], next: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** The events of one order's saga, built in the order they happened: `aSaga().placed().paid().build()`. */
export function aSaga(customerId = randomUUID()) {
  const orderId = randomUUID();
  const events: EventEnvelope<unknown>[] = [];
  let clock = Date.parse('2026-11-22T10:00:00.000Z');
  const add = (eventType: string, payload: Record<string, unknown> = {}, sameInstant = false) => {
    if (!sameInstant) clock += 1000;
    events.push({
      eventId: randomUUID(),
      eventType,
      eventVersion: 1,
      aggregateType: 'test',
      aggregateId: orderId,
      orderId,
      correlationId: 'c',
      causationId: 'c',
      producer: 'test',
      occurredAt: new Date(clock).toISOString(),
      payload: { orderId, customerId, ...payload },
    });
    return saga;
  };
  const saga = {
    /** Placed for 2,000; spending `pointsUsed` of them (the event of an order placed before points existed without it). */
    placed: (pointsUsed?: number) =>
      add('OrderPlaced', {
        items: [{ productId: randomUUID(), name: 'Washer', unitPrice: 1000, quantity: 2 }],
        totalAmount: 2000,
        ...(pointsUsed === undefined ? {} : { pointsUsed, amountDue: 2000 - pointsUsed }),
      }),
    canceled: () => add('OrderCanceled'),
    paid: () => add('PaymentApproved'),
    declined: () => add('PaymentFailed'),
    refunded: () => add('PaymentRefunded'),
    refundFailed: () => add('PaymentRefundFailed'),
    voided: () => add('PaymentVoided', { cause: 'ORDER_CANCELED' }),
    pointsReserved: () => add('PointsReserved'),
    pointsUnavailable: () => add('PointsReservationFailed'),
    pointsReleased: () => add('PointsReleased'),
    earned: (points: number) => add('PointsEarned', { reason: 'ORDER', points }),
    received: () => add('StoreOrderReceived'),
    outOfStock: () => add('StockReservationFailed'),
    accepted: () => add('OrderAccepted'),
    storeCanceled: () => add('StoreOrderCanceled', {}, true), // same occurredAt as the previous event: ties break by eventId
    shipped: () => add('DeliveryStarted'),
    deliveryCanceled: () => add('DeliveryCanceled'),
    delivered: () => add('DeliveryCompleted'),
    build: () => events,
  };
  return saga;
}

/**
 * One saga of each ending: delivered, declined, out of stock, canceled while shipping, refund failed, canceled before
 * payment; and spending points: delivered earning some, points refused, canceled before mileage refused them,
 * canceled while paid, canceled while the charge waited for the points.
 */
export function everyEnding(): EventEnvelope<unknown>[][] {
  return [
    aSaga().placed().paid().received().accepted().shipped().delivered().build(),
    aSaga().placed().declined().build(),
    aSaga().placed().paid().outOfStock().refunded().build(),
    aSaga().placed().paid().received().accepted().shipped().canceled().storeCanceled().deliveryCanceled().refunded().build(),
    aSaga().placed().paid().canceled().storeCanceled().refundFailed().build(),
    aSaga().placed().canceled().storeCanceled().declined().build(),
    aSaga().placed(500).pointsReserved().paid().received().accepted().shipped().delivered().earned(15).build(),
    aSaga().placed(500).pointsUnavailable().build(),
    aSaga().placed(500).canceled().pointsUnavailable().voided().storeCanceled().build(),
    aSaga().placed(500).pointsReserved().paid().canceled().storeCanceled().refunded().pointsReleased().build(),
    aSaga().placed(500).canceled().pointsReserved().voided().storeCanceled().pointsReleased().build(),
  ];
}

/** The welcome points of a new customer: a wallet's event naming no order, which myPage is not kept from. */
export function welcomePoints(customerId = randomUUID()): EventEnvelope<unknown> {
  return {
    eventId: randomUUID(),
    eventType: 'PointsEarned',
    eventVersion: 1,
    aggregateType: 'wallet',
    aggregateId: customerId,
    correlationId: 'c',
    causationId: 'c',
    producer: 'mileage',
    occurredAt: '2026-11-22T09:00:00.000Z',
    payload: { customerId, reason: 'WELCOME', points: 5000, balance: 5000 },
  };
}
