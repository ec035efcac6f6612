import { Order, OrderLine } from './order';
import { InvalidPoints, OrderNotCancelable } from './order.errors';

type Fact = (o: Order) => void;
const paid: Fact = (o) => o.paymentApproved();
const declined: Fact = (o) => o.paymentFailed();
const refunded: Fact = (o) => o.paymentRefunded();
const refundFailed: Fact = (o) => o.paymentRefundFailed();
const received: Fact = (o) => o.storeOrderReceived();
const outOfStock: Fact = (o) => o.stockReservationFailed();
const accepted: Fact = (o) => o.acceptedByStore();
const storeCanceled: Fact = (o) => o.storeOrderCanceled();
const shipped: Fact = (o) => o.deliveryStarted();
const deliveryCanceled: Fact = (o) => o.deliveryCanceled();
const delivered: Fact = (o) => o.deliveryCompleted();
const voided: Fact = (o) => o.paymentVoided();
const pointsReserved: Fact = (o) => o.pointsReserved();
const pointsUnavailable: Fact = (o) => o.pointsReservationFailed();
const pointsReleased: Fact = (o) => o.pointsReleased();
const canceledByCustomer: Fact = (o) => void o.cancel();

const LINES: OrderLine[] = [
  { productId: 'p1', name: 'Washer', unitPrice: 1_000_000, quantity: 1 },
  { productId: 'p2', name: 'Fridge', unitPrice: 2_000_000, quantity: 2 },
];

/** A test order: `anOrder().given(paid, received).build()`; `anOrder(3000)` spends 3,000 points. */
function anOrder(pointsUsed = 0) {
  const facts: Fact[] = [];
  const builder = {
    given: (...more: Fact[]) => (facts.push(...more), builder),
    build: () => {
      const order = Order.place('o1', 'c1', LINES, pointsUsed);
      facts.forEach((f) => f(order));
      return order;
    },
  };
  return builder;
}

/** Every interleaving of several ordered streams (each participant's topic keeps its own order). */
function interleavings<T>(streams: T[][]): T[][] {
  const live = streams.filter((s) => s.length);
  if (!live.length) return [[]];
  return live.flatMap((stream, i) => {
    const rest = live.map((s, j) => (j === i ? s.slice(1) : s));
    return interleavings(rest).map((tail) => [stream[0], ...tail]);
  });
}

describe('Order', () => {
  it('is placed PENDING with its total from the lines', () => {
    const order = anOrder().build();
    expect(order.status).toBe('PENDING');
    expect(order.snapshot.totalAmount).toBe(5_000_000);
  });

  it.each([
    [[paid], 'PAID'],
    [[paid, received], 'RECEIVED'],
    [[paid, received, accepted], 'ACCEPTED'],
    [[paid, received, accepted, shipped], 'SHIPPING'],
    [[paid, received, accepted, shipped, delivered], 'DELIVERED'],
  ] as const)('follows the happy path: %#', (facts, status) => {
    expect(anOrder().given(...facts).build().status).toBe(status);
  });

  it('is rejected for a declined payment, then for missing stock, with the reason', () => {
    const declinedOrder = anOrder().given(declined).build();
    expect([declinedOrder.status, declinedOrder.statusReason, declinedOrder.isTerminal]).toEqual(['REJECTED', 'PAYMENT_FAILED', true]);
    const short = anOrder().given(paid, outOfStock, refunded).build();
    expect([short.status, short.statusReason]).toEqual(['REJECTED', 'OUT_OF_STOCK']);
  });

  it('reaches the same status for every interleaving of payment, store and delivery events', () => {
    const payment = [paid];
    const store = [received, accepted];
    const delivery = [shipped, delivered];
    const outcomes = new Set(interleavings([payment, store, delivery]).map((facts) => anOrder().given(...facts).build().status));
    expect(outcomes).toEqual(new Set(['DELIVERED']));
  });

  it.each([
    ['PENDING', [], [declined, storeCanceled]],
    ['PAID', [paid], [refunded, storeCanceled]],
    ['ACCEPTED', [paid, received, accepted], [storeCanceled, refunded]],
    ['SHIPPING', [paid, received, accepted, shipped], [storeCanceled, deliveryCanceled, refunded]],
  ] as const)('cancels from %s: CANCELING until payment is settled and the store confirmed, then CANCELED', (_from, before, after) => {
    const order = anOrder().given(...before, canceledByCustomer).build();
    expect(order.status).toBe('CANCELING');
    after.slice(0, -1).forEach((f) => f(order));
    expect(order.status).toBe('CANCELING');
    after[after.length - 1](order);
    expect(order.status).toBe('CANCELED');
  });

  it('ends CANCELED with the failed refund visible', () => {
    const order = anOrder().given(paid, canceledByCustomer, storeCanceled, refundFailed).build();
    expect([order.status, order.snapshot.payment]).toEqual(['CANCELED', 'REFUND_FAILED']);
  });

  it('converges when the store confirms the cancel before the payment it raced', () => {
    const interleaved = interleavings([[paid, refunded], [storeCanceled]]);
    const outcomes = new Set(interleaved.map((facts) => anOrder().given(canceledByCustomer, ...facts).build().status));
    expect(outcomes).toEqual(new Set(['CANCELED']));
  });

  it.each([
    ['DELIVERED', [paid, received, accepted, shipped, delivered]],
    ['REJECTED', [declined]],
  ] as const)('refuses to cancel a %s order', (_status, facts) => {
    expect(() => anOrder().given(...facts).build().cancel()).toThrow(OrderNotCancelable);
  });

  it.each([
    ['CANCELING', [paid, canceledByCustomer]],
    ['CANCELED', [paid, canceledByCustomer, refunded, storeCanceled]],
  ] as const)('takes a cancel of a %s order again as done: nothing changes (a retried cancel is safe)', (status, facts) => {
    const order = anOrder().given(...facts).build();
    expect(order.cancel()).toBe(false);
    expect(order.status).toBe(status);
  });

  it('cancels an unpaid order whose deadline passed, with PAYMENT_TIMEOUT as its reason, and nothing else', () => {
    const pending = anOrder().build();
    expect(pending.cancelUnpaid()).toBe(true);
    expect([pending.status, pending.statusReason]).toEqual(['CANCELING', 'PAYMENT_TIMEOUT']);
    storeCanceled(pending);
    expect([pending.status, pending.statusReason]).toEqual(['CANCELING', 'PAYMENT_TIMEOUT']);
    refunded(pending); // a late PaymentApproved is refunded
    expect([pending.status, pending.statusReason]).toEqual(['CANCELED', 'PAYMENT_TIMEOUT']);
    for (const facts of [[paid], [declined], [canceledByCustomer]]) {
      const order = anOrder().given(...facts).build();
      const before = order.status;
      expect(order.cancelUnpaid()).toBe(false);
      expect(order.status).toBe(before);
    }
    const byCustomer = anOrder().given(canceledByCustomer).build();
    expect(byCustomer.statusReason).toBeNull();
  });

  it('ignores a repeated fact', () => {
    const order = anOrder().given(paid, received, accepted, received, paid).build();
    expect(order.status).toBe('ACCEPTED');
  });

  describe('spending points', () => {
    it('spends up to its total: amountDue is the rest; more is refused (ORDER.INVALID_POINTS)', () => {
      const order = anOrder(3000).build();
      expect([order.snapshot.pointsUsed, order.snapshot.points, order.amountDue]).toEqual([3000, 'NONE', 4_997_000]);
      expect(anOrder().build().amountDue).toBe(5_000_000);
      expect(anOrder(5_000_000).build().amountDue).toBe(0);
      expect(() => anOrder(5_000_001).build()).toThrow(InvalidPoints);
      expect(() => anOrder(5_000_001).build()).toThrow(expect.objectContaining({ code: 'ORDER.INVALID_POINTS' }));
    });

    it('stays PENDING while the points are reserved, then follows the payment, store and delivery to DELIVERED, in any interleaving', () => {
      expect(anOrder(3000).given(pointsReserved).build().status).toBe('PENDING');
      const outcomes = new Set(
        interleavings([[pointsReserved], [paid], [received, accepted], [shipped, delivered]]).map((facts) => anOrder(3000).given(...facts).build().status),
      );
      expect(outcomes).toEqual(new Set(['DELIVERED']));
    });

    it('is REJECTED with POINTS_UNAVAILABLE when mileage refuses the points, and can no longer be canceled', () => {
      const order = anOrder(3000).given(pointsUnavailable).build();
      expect([order.status, order.statusReason, order.isTerminal]).toEqual(['REJECTED', 'POINTS_UNAVAILABLE', true]);
      expect(() => order.cancel()).toThrow(OrderNotCancelable);
      expect(order.cancelUnpaid()).toBe(false);
    });

    it('is REJECTED at once by a declined payment or missing stock, whatever the points do after (they come back without it)', () => {
      for (const [facts, reason] of [
        [[pointsReserved, declined], 'PAYMENT_FAILED'],
        [[pointsReserved, paid, outOfStock], 'OUT_OF_STOCK'],
      ] as const) {
        const order = anOrder(3000).given(...facts).build();
        expect([order.status, order.statusReason]).toEqual(['REJECTED', reason]);
        pointsReleased(order);
        expect([order.status, order.statusReason, order.snapshot.points]).toEqual(['REJECTED', reason, 'RELEASED']);
      }
    });

    it.each([
      ['PENDING, its points reserved', [pointsReserved], [[voided], [storeCanceled], [pointsReleased]]],
      ['PAID', [pointsReserved, paid], [[refunded], [storeCanceled], [pointsReleased]]],
      ['SHIPPING', [pointsReserved, paid, received, accepted, shipped], [[refundFailed], [storeCanceled], [pointsReleased]]],
      ['PENDING, before mileage answered (it then refuses)', [], [[voided], [storeCanceled], [pointsUnavailable]]],
      ['PENDING, before mileage answered (it then reserves)', [], [[voided], [storeCanceled], [pointsReserved, pointsReleased]]],
    ] as const)('canceled from %s: CANCELING until the payment settled, the store confirmed and the points came back or were never taken, in every arrival order', (_from, before, after) => {
      const endings = new Set<string>();
      for (const facts of interleavings(after.map((stream) => [...stream]))) {
        const order = anOrder(3000).given(...before, canceledByCustomer).build();
        facts.slice(0, -1).forEach((f) => {
          f(order);
          expect(order.status).toBe('CANCELING');
        });
        facts[facts.length - 1](order);
        endings.add(`${order.status} ${order.statusReason}`);
      }
      expect(endings).toEqual(new Set(['CANCELED null']));
    });

    it('waits for the points to come back even once payment and store settled, and takes them in any order', () => {
      const order = anOrder(3000).given(pointsReserved, paid, canceledByCustomer, refunded, storeCanceled).build();
      expect(order.status).toBe('CANCELING');
      pointsReleased(order);
      expect(order.status).toBe('CANCELED');
      // An order without points has none to wait for.
      expect(anOrder().given(paid, canceledByCustomer, refunded, storeCanceled).build().status).toBe('CANCELED');
    });

    it('settles the payment of a cancel with a void (nothing was ever charged), which only an order never charged takes', () => {
      const order = anOrder().given(canceledByCustomer, storeCanceled, voided).build();
      expect([order.status, order.snapshot.payment]).toEqual(['CANCELED', 'VOIDED']);
      const charged = anOrder().given(paid, canceledByCustomer, storeCanceled, voided).build();
      expect([charged.status, charged.snapshot.payment]).toEqual(['CANCELING', 'APPROVED']);
    });

    it('ignores a repeated points fact, and a reservation arriving after the points came back', () => {
      const order = anOrder(3000).given(pointsReserved, pointsReserved, canceledByCustomer, pointsReleased, pointsReserved, pointsReleased).build();
      expect(order.snapshot.points).toBe('RELEASED');
      const refused = anOrder(3000).given(pointsUnavailable, pointsReserved, pointsReleased, pointsUnavailable).build();
      expect([refused.snapshot.points, refused.status]).toEqual(['UNAVAILABLE', 'REJECTED']);
    });
  });
});
