import { ChargeOutcome, Next, Payment, PaymentFact, PaymentStatus, PlacedOrder, RefundOutcome } from './payment';

const PAYMENT = 'b1b2c3d4-0000-4000-8000-000000000001';
const ORDER = '0b7e3c9a-8f4d-4c2e-9b1a-2d3e4f5a6b7c';
const CUSTOMER = '5f0c8a52-3c1e-4d55-9a1b-6c9f1e2d3a41';
const DETAILS = {
  items: [{ productId: '7d2f1e3c-4b5a-4c6d-8e9f-0a1b2c3d4e5f', name: 'LG WashTower 25kg', unitPrice: 2_990_000, quantity: 1 }],
  deliveryAddress: 'Seoul, Gangnam-gu, Teheran-ro 123',
  deliveryPhone: '010-1234-5678',
};

function aPlacedOrder(overrides: Partial<PlacedOrder> = {}): PlacedOrder {
  return { ...DETAILS, amountDue: 2_990_000, pointsUsed: 0, cardToken: 'tok_visa', ...overrides };
}
const withPoints = aPlacedOrder({ amountDue: 2_987_000, pointsUsed: 3000 });

/** One event as the application hands it to the payment, and the processor's answers it uses. */
type Event = (p: Payment) => Next;
const placed = (order = aPlacedOrder()): Event => (p) => p.orderPlaced(order);
const reserved: Event = (p) => p.pointsReserved();
const unavailable: Event = (p) => p.pointsReservationFailed();
const canceled: Event = (p) => p.refundAsked('ORDER_CANCELED');
const outOfStock: Event = (p) => p.refundAsked('OUT_OF_STOCK');

/**
 * Takes the events as the application does (asking the simulated processor whenever the payment says so) and answers
 * what happened: the processor's calls and the facts announced.
 */
function taken(payment: Payment, events: Event[], answers: { charge?: ChargeOutcome; refund?: RefundOutcome } = {}) {
  const calls: string[] = [];
  const facts: PaymentFact[] = [];
  for (const event of events) {
    const next = event(payment);
    let fact: PaymentFact | undefined;
    if (next.do === 'save') fact = next.fact;
    if (next.do === 'charge') {
      calls.push(`charge ${next.request.amount} on ${next.request.cardToken}`);
      fact = payment.charged(answers.charge ?? { approved: true });
    }
    if (next.do === 'refund') {
      calls.push(`refund ${next.request.amount} on ${next.request.cardToken}`);
      fact = payment.refunded(answers.refund ?? { refunded: true });
    }
    if (fact) facts.push(fact);
  }
  return { calls, facts, status: payment.snapshot.status };
}

const aPayment = (...events: Event[]) => {
  const payment = Payment.unseen(PAYMENT, ORDER, CUSTOMER);
  taken(payment, events);
  return payment;
};

/** Every interleaving of several ordered streams (each topic keeps its own order). */
function interleavings<T>(streams: T[][]): T[][] {
  const live = streams.filter((s) => s.length);
  if (!live.length) return [[]];
  return live.flatMap((stream, i) => interleavings(live.map((s, j) => (j === i ? s.slice(1) : s))).map((tail) => [stream[0], ...tail]));
}

describe('Payment', () => {
  describe('an order without points', () => {
    it('is charged amountDue at once: CHARGING while the processor answers, then APPROVED announcing what the store needs', () => {
      const payment = Payment.unseen(PAYMENT, ORDER, CUSTOMER);
      expect(payment.orderPlaced(aPlacedOrder())).toEqual({ do: 'charge', request: { orderId: ORDER, amount: 2_990_000, cardToken: 'tok_visa' } });
      expect(payment.snapshot.status).toBe('CHARGING');
      expect(payment.charged({ approved: true })).toEqual({ type: 'PaymentApproved', order: DETAILS });
      expect(payment.snapshot).toEqual({
        paymentId: PAYMENT,
        orderId: ORDER,
        customerId: CUSTOMER,
        amount: 2_990_000,
        cardToken: 'tok_visa',
        status: 'APPROVED',
        reason: null,
        orderDetails: null,
      });
      expect(payment.owesRefund).toBe(true);
    });

    it.each(['CARD_DECLINED', 'LIMIT_EXCEEDED'] as const)('a refused charge (%s) is FAILED, announces PaymentFailed and owes nothing', (reason) => {
      const payment = Payment.unseen(PAYMENT, ORDER, CUSTOMER);
      expect(taken(payment, [placed()], { charge: { approved: false, reason } }).facts).toEqual([{ type: 'PaymentFailed', reason }]);
      expect(payment.snapshot).toMatchObject({ status: 'FAILED', reason, orderDetails: null });
      expect(payment.owesRefund).toBe(false);
    });

    it('asks for nothing more while it is CHARGING: a second event of the order cannot charge again', () => {
      const payment = Payment.unseen(PAYMENT, ORDER, CUSTOMER);
      payment.orderPlaced(aPlacedOrder());
      expect([payment.orderPlaced(aPlacedOrder()), payment.pointsReserved(), payment.pointsReservationFailed()]).toEqual([
        { do: 'nothing' },
        { do: 'nothing' },
        { do: 'nothing' },
      ]);
      expect(() => payment.refundAsked('ORDER_CANCELED')).toThrow(/CHARGING/);
      expect(payment.snapshot.status).toBe('CHARGING');
    });
  });

  describe('an order spending points', () => {
    it('placed first: AWAITING_POINTS keeping what the store needs, charged amountDue once PointsReserved comes', () => {
      const payment = Payment.unseen(PAYMENT, ORDER, CUSTOMER);
      expect(payment.orderPlaced(withPoints)).toEqual({ do: 'save' });
      expect(payment.snapshot).toMatchObject({ status: 'AWAITING_POINTS', amount: 2_987_000, cardToken: 'tok_visa', orderDetails: DETAILS });
      expect(payment.pointsReserved()).toEqual({ do: 'charge', request: { orderId: ORDER, amount: 2_987_000, cardToken: 'tok_visa' } });
      expect(payment.charged({ approved: true })).toEqual({ type: 'PaymentApproved', order: DETAILS });
      expect(payment.snapshot).toMatchObject({ status: 'APPROVED', orderDetails: null });
    });

    it('points reserved first: POINTS_RESERVED, charged when OrderPlaced comes', () => {
      const payment = Payment.unseen(PAYMENT, ORDER, CUSTOMER);
      expect(payment.pointsReserved()).toEqual({ do: 'save' });
      expect(payment.snapshot).toMatchObject({ status: 'POINTS_RESERVED', amount: 0, orderDetails: null });
      expect(payment.orderPlaced(withPoints)).toEqual({ do: 'charge', request: { orderId: ORDER, amount: 2_987_000, cardToken: 'tok_visa' } });
      expect(payment.charged({ approved: true })).toEqual({ type: 'PaymentApproved', order: DETAILS });
    });

    it.each([
      ['order first', [placed(withPoints), unavailable]],
      ['reservation failed first', [unavailable, placed(withPoints)]],
    ])('whose points could not be reserved (%s) is POINTS_UNAVAILABLE: never charged, nothing announced', (_, events) => {
      const payment = Payment.unseen(PAYMENT, ORDER, CUSTOMER);
      expect(taken(payment, [...events, reserved, placed(withPoints), unavailable])).toEqual({ calls: [], facts: [], status: 'POINTS_UNAVAILABLE' });
      expect(payment.snapshot.orderDetails).toBeNull();
    });

    it('charges once, and announces once, for every arrival order of OrderPlaced and PointsReserved, each redelivered', () => {
      for (const events of interleavings([[placed(withPoints), placed(withPoints)], [reserved, reserved]])) {
        expect(taken(Payment.unseen(PAYMENT, ORDER, CUSTOMER), events)).toEqual({
          calls: ['charge 2987000 on tok_visa'],
          facts: [{ type: 'PaymentApproved', order: DETAILS }],
          status: 'APPROVED',
        });
      }
    });
  });

  describe('canceled', () => {
    it.each([
      ['while its charge waits for its points', [placed(withPoints)]],
      ['when its points were reserved before the order was known', [reserved]],
      ['when its points could not be reserved', [placed(withPoints), unavailable]],
    ])('%s: VOIDED and PaymentVoided, once; nothing charged later', (_, before) => {
      const payment = aPayment(...before);
      expect(taken(payment, [canceled, canceled, reserved, placed(withPoints), outOfStock])).toEqual({
        calls: [],
        facts: [{ type: 'PaymentVoided', cause: 'ORDER_CANCELED' }],
        status: 'VOIDED',
      });
      expect(payment.snapshot.orderDetails).toBeNull();
    });

    it('before payment heard of the order: VOIDED silently, so that a late OrderPlaced never charges', () => {
      const payment = Payment.unseen(PAYMENT, ORDER, CUSTOMER);
      expect(payment.refundAsked('ORDER_CANCELED')).toEqual({ do: 'save' });
      expect(taken(payment, [placed(), reserved])).toEqual({ calls: [], facts: [], status: 'VOIDED' });
      expect(payment.snapshot).toMatchObject({ orderId: ORDER, customerId: CUSTOMER, amount: 0 });
      expect(payment.owesRefund).toBe(false);
    });

    it('charged at most once and settled once for every arrival order of the order topic and the points', () => {
      const endings = new Set<string>();
      for (const events of interleavings([[placed(withPoints), canceled], [reserved]])) {
        const { calls, facts, status } = taken(Payment.unseen(PAYMENT, ORDER, CUSTOMER), events);
        endings.add(`${status}: ${calls.join(', ')} → ${facts.map((f) => f.type).join(', ')}`);
      }
      expect([...endings].sort()).toEqual([
        'REFUNDED: charge 2987000 on tok_visa, refund 2987000 on tok_visa → PaymentApproved, PaymentRefunded',
        'VOIDED:  → PaymentVoided',
      ]);
    });
  });

  it('voids a waiting charge without a word when the store could not supply the order (it never asked the store)', () => {
    expect(taken(aPayment(placed(withPoints)), [outOfStock, reserved])).toEqual({ calls: [], facts: [], status: 'VOIDED' });
  });

  describe('refunds', () => {
    it.each(['ORDER_CANCELED', 'OUT_OF_STOCK'] as const)('an approved payment refunded for %s: REFUNDING while the processor answers, then REFUNDED', (cause) => {
      const payment = aPayment(placed());
      expect(payment.refundAsked(cause)).toEqual({ do: 'refund', request: { orderId: ORDER, amount: 2_990_000, cardToken: 'tok_visa' } });
      expect(payment.snapshot.status).toBe('REFUNDING');
      expect(() => payment.refundAsked(cause)).toThrow(/REFUNDING/);
      expect(payment.refunded({ refunded: true })).toEqual({ type: 'PaymentRefunded', cause });
      expect(payment.snapshot).toMatchObject({ status: 'REFUNDED', reason: cause });
      expect(payment.owesRefund).toBe(false);
    });

    it('a refund the processor refuses is REFUND_FAILED with its reason, and is not tried again', () => {
      const payment = aPayment(placed());
      expect(taken(payment, [outOfStock, canceled], { refund: { refunded: false, reason: 'issuer refused' } })).toEqual({
        calls: ['refund 2990000 on tok_visa'],
        facts: [{ type: 'PaymentRefundFailed', cause: 'OUT_OF_STOCK', reason: 'issuer refused' }],
        status: 'REFUND_FAILED',
      });
      expect(payment.snapshot.reason).toBe('issuer refused');
    });

    const declined = () => {
      const payment = Payment.unseen(PAYMENT, ORDER, CUSTOMER);
      taken(payment, [placed()], { charge: { approved: false, reason: 'CARD_DECLINED' } });
      return payment;
    };
    it.each<[PaymentStatus, () => Payment]>([
      ['FAILED', declined],
      ['REFUNDED', () => aPayment(placed(), canceled)],
      ['VOIDED', () => aPayment(placed(withPoints), canceled)],
    ])('asks for no refund when %s (at most one refund, only of a charge)', (status, build) => {
      const payment = build();
      expect(payment.snapshot.status).toBe(status);
      expect([payment.refundAsked('OUT_OF_STOCK'), payment.refundAsked('ORDER_CANCELED')]).toEqual([{ do: 'nothing' }, { do: 'nothing' }]);
    });
  });

  it('records only the answer it asked for', () => {
    expect(() => aPayment(placed(withPoints)).charged({ approved: true })).toThrow(/no charge was asked for/);
    expect(() => aPayment(placed()).refunded({ refunded: true })).toThrow(/no refund was asked for/);
  });

  it('restores the state it was saved with', () => {
    for (const saved of [aPayment(placed(), canceled).snapshot, aPayment(placed(withPoints)).snapshot]) {
      expect(Payment.restore(saved).snapshot).toEqual(saved);
    }
  });
});
