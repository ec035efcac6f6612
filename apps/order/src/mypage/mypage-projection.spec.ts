import { EventEnvelope } from '@homestore/events';
import { aSaga, everyEnding, random, shuffle } from '../../test/sagas';
import { MyPageOrder, orderIdOf, project } from './mypage-projection';

/** The in-memory projector: the same pure projection over a map of rows. */
function projectAll(events: EventEnvelope<unknown>[]): Map<string, MyPageOrder> {
  const rows = new Map<string, MyPageOrder>();
  for (const e of events) rows.set(orderIdOf(e), project(rows.get(orderIdOf(e)), e));
  return rows;
}

describe('myPage projection', () => {
  const sagas = everyEnding();
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
