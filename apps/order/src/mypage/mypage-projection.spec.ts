import { EventEnvelope } from '@homestore/events';
import { aSaga, everyEnding, random, shuffle, welcomePoints } from '../../test/sagas';
import { MyPageOrder, orderIdOf, project, projects } from './mypage-projection';

/** The in-memory projector: the same pure projection over a map of rows. */
function projectAll(events: EventEnvelope<unknown>[]): Map<string, MyPageOrder> {
  const rows = new Map<string, MyPageOrder>();
  for (const e of events) rows.set(orderIdOf(e), project(rows.get(orderIdOf(e)), e));
  return rows;
}

describe('myPage projection', () => {
  const sagas = everyEnding();
  const all = sagas.flat();

  it('follows each saga to its end, with history, status, payment, delivery and points', () => {
    const rows = projectAll(all);
    const summary = sagas.map((events) => {
      const row = rows.get(orderIdOf(events[0]))!;
      return [row.status, row.payment, row.delivery, row.points, row.pointsUsed, row.pointsEarned, row.history.length];
    });
    expect(summary).toEqual([
      ['DELIVERED', 'APPROVED', 'COMPLETED', 'NONE', 0, 0, 6],
      ['REJECTED', 'FAILED', 'NONE', 'NONE', 0, 0, 2],
      ['REJECTED', 'REFUNDED', 'NONE', 'NONE', 0, 0, 4],
      ['CANCELED', 'REFUNDED', 'CANCELED', 'NONE', 0, 0, 9],
      ['CANCELED', 'REFUND_FAILED', 'NONE', 'NONE', 0, 0, 5],
      ['CANCELED', 'FAILED', 'NONE', 'NONE', 0, 0, 4],
      ['DELIVERED', 'APPROVED', 'COMPLETED', 'RESERVED', 500, 15, 8],
      ['REJECTED', 'NONE', 'NONE', 'UNAVAILABLE', 500, 0, 2],
      ['CANCELED', 'VOIDED', 'NONE', 'UNAVAILABLE', 500, 0, 5],
      ['CANCELED', 'REFUNDED', 'NONE', 'RELEASED', 500, 0, 7],
      ['CANCELED', 'VOIDED', 'NONE', 'RELEASED', 500, 0, 6],
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

  it('waits with CANCELED for the points of a canceled order to come back, whenever OrderPlaced tells it the order spent some', () => {
    const [placed, canceled, reserved, paid, storeCanceled, refunded, released] = aSaga()
      .placed(500)
      .canceled()
      .pointsReserved()
      .paid()
      .storeCanceled()
      .refunded()
      .pointsReleased()
      .build();
    // Before OrderPlaced, myPage does not know the order spent points: payment and store settled look like the end.
    const early = [canceled, reserved, paid, storeCanceled, refunded].reduce<MyPageOrder | undefined>((row, e) => project(row, e), undefined)!;
    expect([early.status, early.pointsUsed]).toEqual(['CANCELED', null]);
    const known = project(early, placed);
    expect([known.status, known.pointsUsed]).toEqual(['CANCELING', 500]);
    expect(project(known, released)).toMatchObject({ status: 'CANCELED', points: 'RELEASED' });
  });

  it('shows REJECTED when mileage refused the points, and the points a delivery earned', () => {
    const refused = aSaga().placed(500).pointsUnavailable().build();
    expect(refused.reduce<MyPageOrder | undefined>((row, e) => project(row, e), undefined)).toMatchObject({ status: 'REJECTED', points: 'UNAVAILABLE', pointsUsed: 500 });
    const [earned] = aSaga().earned(15).build();
    expect(project(undefined, earned)).toMatchObject({ pointsEarned: 15, status: 'PENDING', customerId: (earned.payload as any).customerId });
  });

  it('takes no welcome points: they name no order', () => {
    expect(projects(welcomePoints())).toBe(false);
    expect(all.every(projects)).toBe(true);
  });
});
