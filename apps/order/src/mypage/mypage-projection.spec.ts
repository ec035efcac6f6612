import { randomUUID } from 'node:crypto';
import { EventEnvelope } from '@homestore/events';
import { MyPageOrder, orderIdOf, project } from './mypage-projection';

/** A tiny deterministic PRNG, so a failing permutation can be replayed. */
function random(seed: number): () => number {
  return () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

function shuffle<T>(items: T[], next: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** The events of one order's saga, built in the order they happened: `aSaga().placed().paid().build()`. */
function aSaga(customerId = randomUUID()) {
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
    placed: () =>
      add('OrderPlaced', { items: [{ productId: randomUUID(), name: 'Washer', unitPrice: 1000, quantity: 2 }], totalAmount: 2000 }),
    canceled: () => add('OrderCanceled'),
    paid: () => add('PaymentApproved'),
    declined: () => add('PaymentFailed'),
    refunded: () => add('PaymentRefunded'),
    refundFailed: () => add('PaymentRefundFailed'),
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

/** The in-memory projector: the same pure projection over a map of rows. */
function projectAll(events: EventEnvelope<unknown>[]): Map<string, MyPageOrder> {
  const rows = new Map<string, MyPageOrder>();
  for (const e of events) rows.set(orderIdOf(e), project(rows.get(orderIdOf(e)), e));
  return rows;
}

describe('myPage projection', () => {
  const sagas = [
    aSaga().placed().paid().received().accepted().shipped().delivered().build(),
    aSaga().placed().declined().build(),
    aSaga().placed().paid().outOfStock().refunded().build(),
    aSaga().placed().paid().received().accepted().shipped().canceled().storeCanceled().deliveryCanceled().refunded().build(),
    aSaga().placed().paid().canceled().storeCanceled().refundFailed().build(),
    aSaga().placed().canceled().storeCanceled().declined().build(),
  ];
  const all = sagas.flat();

  it('follows each saga to its end, with history, status, payment and delivery', () => {
    const rows = projectAll(all);
    const summary = sagas.map((events) => {
      const row = rows.get(orderIdOf(events[0]))!;
      return [row.status, row.payment, row.delivery, row.history.length];
    });
    expect(summary).toEqual([
      ['DELIVERED', 'APPROVED', 'COMPLETED', 6],
      ['REJECTED', 'FAILED', 'NONE', 2],
      ['REJECTED', 'REFUNDED', 'NONE', 4],
      ['CANCELED', 'REFUNDED', 'CANCELED', 9],
      ['CANCELED', 'REFUND_FAILED', 'NONE', 5],
      ['CANCELED', 'FAILED', 'NONE', 4],
    ]);
    const first = rows.get(orderIdOf(sagas[0][0]))!;
    expect(first).toMatchObject({ totalAmount: 2000, items: [expect.objectContaining({ name: 'Washer', quantity: 2 })] });
    expect(first.history.map((h) => h.eventType)).toEqual([
      'OrderPlaced', 'PaymentApproved', 'StoreOrderReceived', 'OrderAccepted', 'DeliveryStarted', 'DeliveryCompleted',
    ]);
    expect(first.updatedAt).toBe(sagas[0][5].occurredAt);
  });

  it('ends in the identical state for 20 random arrival orders with redeliveries', () => {
    const expected = projectAll(all);
    const next = random(42);
    for (let run = 0; run < 20; run++) {
      const redelivered = all.filter(() => next() < 0.3);
      expect(projectAll(shuffle([...all, ...redelivered, ...redelivered], next))).toEqual(expected);
    }
  });

  it('keeps an event that arrives before OrderPlaced, and fills in the order when it comes', () => {
    const [placed, paid] = aSaga().placed().paid().build();
    const early = project(undefined, paid);
    expect(early).toMatchObject({ status: 'PAID', payment: 'APPROVED', items: null, totalAmount: null, customerId: (paid.payload as any).customerId });
    expect(project(early, placed)).toMatchObject({ status: 'PAID', totalAmount: 2000, history: [{ eventType: 'OrderPlaced' }, { eventType: 'PaymentApproved' }] });
  });
});
