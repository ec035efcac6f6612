import type { EntityManager } from 'typeorm';
import type { OrderPlacedPayload, RefundCause } from '@homestore/events';
import { inLanes, Outbox, PendingEvent } from '@homestore/messaging';
import { UnitOfWork } from '@homestore/persistence';
import { ChargeOutcome, Payment, PaymentState, PaymentStatus, RefundOutcome } from '../domain/payment';
import { CardRequest, PaymentGateway } from '../domain/payment-gateway';
import { PaymentRepository } from '../infrastructure/payment.repository';
import { SimulatedPaymentGateway } from '../infrastructure/simulated-payment-gateway';
import { Payments } from './payments';

const CUSTOMER = '5f0c8a52-3c1e-4d55-9a1b-6c9f1e2d3a41';
const WASHER = '7d2f1e3c-4b5a-4c6d-8e9f-0a1b2c3d4e5f';

/** The simulator's answers, with every call the card processor got. */
class RecordingGateway extends PaymentGateway {
  readonly calls: string[] = [];
  private readonly simulator = new SimulatedPaymentGateway();

  charge(request: CardRequest) {
    this.calls.push(`charge ${request.orderId}`);
    return this.simulator.charge(request);
  }

  refund(request: CardRequest) {
    this.calls.push(`refund ${request.orderId}`);
    return this.simulator.refund(request);
  }
}

/** The payments table in memory: the repository with its two statements replaced, and what each was asked. */
class InMemoryPayments extends PaymentRepository {
  readonly rows = new Map<string, PaymentState>();
  readonly reads: string[][] = [];
  readonly writes: string[][] = [];

  constructor(stored: Payment[]) {
    super();
    for (const p of stored) this.rows.set(p.snapshot.orderId, { ...p.snapshot });
  }

  override async loadMany(_em: EntityManager, orderIds: string[]): Promise<Map<string, Payment>> {
    this.reads.push(orderIds);
    return new Map(orderIds.flatMap((id) => (this.rows.has(id) ? [[id, Payment.restore(this.rows.get(id)!)] as const] : [])));
  }

  override async saveMany(_em: EntityManager, payments: Payment[]): Promise<void> {
    this.writes.push(payments.map((p) => p.snapshot.orderId));
    for (const p of payments) this.rows.set(p.snapshot.orderId, { ...p.snapshot });
  }
}

/** Keeps the events raised instead of staging their rows (there is no database here). */
class RecordingOutbox extends Outbox {
  readonly raised: PendingEvent[] = [];

  constructor() {
    super('payment');
  }

  override add(_work: UnitOfWork, events: PendingEvent[]) {
    this.raised.push(...events);
    return [];
  }
}

function aPlacedOrder(orderId: string, cardToken = 'tok_visa'): OrderPlacedPayload {
  return {
    orderId,
    customerId: CUSTOMER,
    items: [{ productId: WASHER, name: 'LG WashTower 25kg', unitPrice: 2_990_000, quantity: 2 }],
    totalAmount: 5_980_000,
    deliveryAddress: 'Seoul, Gangnam-gu, Teheran-ro 123',
    deliveryPhone: '010-1234-5678',
    payment: { method: 'card', cardToken },
  };
}

/** An order spending 3,000 points: 5,977,000 is charged once they are reserved. */
const spendingPoints = (orderId: string, cardToken = 'tok_visa'): OrderPlacedPayload => ({ ...aPlacedOrder(orderId, cardToken), pointsUsed: 3000, amountDue: 5_977_000 });

/** An event as its handler passes it on: OrderPlaced, OrderCanceled / StockReservationFailed by their cause, mileage's. */
interface OrderEvent {
  orderId: string;
  handle: (payments: Payments, work: UnitOfWork) => Promise<void>;
}
const placed = (order: OrderPlacedPayload): OrderEvent => ({ orderId: order.orderId, handle: (p, work) => p.orderPlaced(work, order) });
const refund = (orderId: string, cause: RefundCause): OrderEvent => ({ orderId, handle: (p, work) => p.refund(work, { orderId, customerId: CUSTOMER }, cause) });
const reserved = (orderId: string): OrderEvent => ({ orderId, handle: (p, work) => p.pointsReserved(work, { orderId, customerId: CUSTOMER }) });
const unavailable = (orderId: string): OrderEvent => ({ orderId, handle: (p, work) => p.pointsReservationFailed(work, { orderId, customerId: CUSTOMER }) });

/**
 * Handles the events as the consumer does: together (one unit of work, one lane per order, each order's events in
 * order and the orders side by side) or one at a time (a unit of work each), from the payments stored.
 */
async function handled(events: OrderEvent[], how: 'together' | 'one at a time', stored: Payment[] = []) {
  const store = new InMemoryPayments(stored);
  const gateway = new RecordingGateway();
  const outbox = new RecordingOutbox();
  const payments = new Payments(store, gateway, outbox);
  const runs = how === 'together' ? [events] : events.map((e) => [e]);
  for (const run of runs) {
    const work = new UnitOfWork({} as EntityManager);
    await inLanes(run, (e) => e.orderId, (e) => e.handle(payments, work));
    await work.flush();
  }
  return {
    statuses: Object.fromEntries([...store.rows].map(([orderId, p]) => [orderId, [p.status, p.reason]])),
    events: outbox.raised.map((e) => [e.definition.type, (e.payload as { orderId: string }).orderId, e.payload] as const),
    calls: gateway.calls,
    reads: store.reads,
    writes: store.writes,
    stored: store.rows,
  };
}

/** Each order's entries, in the order they came: what the events of one order must agree on however they are run. */
const perOrder = (entries: [orderId: string, what: unknown][]) => {
  const by: Record<string, unknown[]> = {};
  for (const [orderId, what] of entries) (by[orderId] ??= []).push(what);
  return by;
};

describe('Payments (one order event at a time, in the unit of work of a run)', () => {
  const [a, b, c, d, e] = ['order-a', 'order-b', 'order-c', 'order-d', 'order-e'];
  const mixed = (): OrderEvent[] => [
    placed(aPlacedOrder(a)),
    placed(aPlacedOrder(b)),
    refund(c, 'ORDER_CANCELED'),
    placed(aPlacedOrder(d, 'tok_refund_fail')),
    placed(aPlacedOrder(e, 'tok_decline')),
    refund(a, 'ORDER_CANCELED'),
    placed(aPlacedOrder(a)), // redelivered under a new eventId
    refund(b, 'OUT_OF_STOCK'),
    placed(aPlacedOrder(c)),
    refund(d, 'ORDER_CANCELED'),
    refund(d, 'OUT_OF_STOCK'),
    refund(e, 'ORDER_CANCELED'),
    refund(a, 'OUT_OF_STOCK'),
    refund(b, 'ORDER_CANCELED'),
  ];

  it('charges once, refunds once, never charges a voided order; a run ends as one at a time would', async () => {
    const oneAtATime = await handled(mixed(), 'one at a time');
    expect(oneAtATime.statuses).toEqual({
      [a]: ['REFUNDED', 'ORDER_CANCELED'],
      [b]: ['REFUNDED', 'OUT_OF_STOCK'],
      [c]: ['VOIDED', null],
      [d]: ['REFUND_FAILED', 'the card issuer refused the refund'],
      [e]: ['FAILED', 'CARD_DECLINED'],
    });
    expect(oneAtATime.events.map(([type, orderId]) => [type, orderId])).toEqual([
      ['PaymentApproved', a],
      ['PaymentApproved', b],
      ['PaymentApproved', d],
      ['PaymentFailed', e],
      ['PaymentRefunded', a],
      ['PaymentRefunded', b],
      ['PaymentRefundFailed', d],
    ]);
    expect(oneAtATime.calls).toEqual([`charge ${a}`, `charge ${b}`, `charge ${d}`, `charge ${e}`, `refund ${a}`, `refund ${b}`, `refund ${d}`]);

    // Together the orders run side by side, so only each order's own sequence is fixed.
    const together = await handled(mixed(), 'together');
    expect(together.statuses).toEqual(oneAtATime.statuses);
    const eventsOf = (r: typeof together) => perOrder(r.events.map(([type, orderId, payload]) => [orderId, [type, { ...payload, paymentId: undefined }]]));
    expect(eventsOf(together)).toEqual(eventsOf(oneAtATime));
    const callsOf = (r: typeof together) => perOrder(r.calls.map((call) => [call.split(' ')[1], call]));
    expect(callsOf(together)).toEqual(callsOf(oneAtATime));
  });

  it('reads the orders of a run at once, and writes each changed payment once, as it ended, leaving untouched ones out', async () => {
    const { reads, writes } = await handled(mixed(), 'together');
    expect(reads.map((keys) => [...keys].sort())).toEqual([[a, b, c, d, e]]);
    expect(writes.map((keys) => [...keys].sort())).toEqual([[a, b, c, d, e]]);
    const approved = stored('APPROVED');
    expect((await handled([placed(aPlacedOrder(a)), refund(b, 'ORDER_CANCELED')], 'together', [approved])).writes).toEqual([[b]]);
  });

  it('announces what the store needs with the approval, and the refunded amount with the refund', async () => {
    const order = aPlacedOrder(a);
    const { events, stored } = await handled([placed(order), refund(a, 'OUT_OF_STOCK')], 'together');
    const base = { paymentId: stored.get(a)!.paymentId, orderId: a, customerId: CUSTOMER, amount: order.totalAmount };
    expect(events.map(([, , payload]) => payload)).toEqual([
      { ...base, items: order.items, deliveryAddress: order.deliveryAddress, deliveryPhone: order.deliveryPhone },
      { ...base, cause: 'OUT_OF_STOCK' },
    ]);
  });

  it.each<[PaymentStatus, string[]]>([
    ['APPROVED', [`refund ${a}`]],
    ['FAILED', []],
    ['REFUNDED', []],
    ['REFUND_FAILED', []],
    ['VOIDED', []],
    ['POINTS_UNAVAILABLE', []],
  ])('never charges an order that already has a payment (%s), and refunds only an approved one', async (status, calls) => {
    for (const how of ['together', 'one at a time'] as const) {
      const outcome = await handled([placed(aPlacedOrder(a)), reserved(a), refund(a, 'ORDER_CANCELED'), refund(a, 'OUT_OF_STOCK')], how, [stored(status)]);
      expect(outcome.calls).toEqual(calls);
      expect(outcome.events.map(([type]) => type)).toEqual(
        status === 'APPROVED' ? ['PaymentRefunded'] : status === 'POINTS_UNAVAILABLE' ? ['PaymentVoided'] : [],
      );
    }
  });

  describe('orders spending points', () => {
    const points = (): OrderEvent[] => [
      placed(spendingPoints(a)), // placed first, then its points
      reserved(b), // its points first, then placed
      placed(spendingPoints(c)),
      unavailable(d), // never charged, whichever comes first
      placed(spendingPoints(e)),
      reserved(a),
      placed(spendingPoints(b)),
      placed(spendingPoints(d)),
      refund(c, 'ORDER_CANCELED'), // canceled while waiting
      unavailable(e),
      reserved(c), // too late: nothing charged
      refund(e, 'ORDER_CANCELED'), // canceled after the points were refused: the cancel hears of it
      reserved(a), // redelivered under a new eventId
      placed(spendingPoints(b)),
      refund(c, 'ORDER_CANCELED'),
    ];

    it('charges amountDue once the points are reserved, whichever came first, never otherwise; a run ends as one at a time would', async () => {
      const oneAtATime = await handled(points(), 'one at a time');
      expect(oneAtATime.statuses).toEqual({
        [a]: ['APPROVED', null],
        [b]: ['APPROVED', null],
        [c]: ['VOIDED', null],
        [d]: ['POINTS_UNAVAILABLE', null],
        [e]: ['VOIDED', null],
      });
      expect(oneAtATime.calls).toEqual([`charge ${a}`, `charge ${b}`]);
      expect(oneAtATime.events.map(([type, orderId]) => [type, orderId])).toEqual([
        ['PaymentApproved', a],
        ['PaymentApproved', b],
        ['PaymentVoided', c],
        ['PaymentVoided', e],
      ]);
      const together = await handled(points(), 'together');
      expect(together.statuses).toEqual(oneAtATime.statuses);
      const eventsOf = (r: typeof together) => perOrder(r.events.map(([type, orderId, payload]) => [orderId, [type, { ...payload, paymentId: undefined }]]));
      expect(eventsOf(together)).toEqual(eventsOf(oneAtATime));
    });

    it('announces the approval with the order kept while it waited, for amountDue; the void with its cause', async () => {
      const order = spendingPoints(a);
      const { events, stored: rows } = await handled([placed(order), reserved(a), placed(spendingPoints(c)), refund(c, 'ORDER_CANCELED')], 'one at a time');
      expect(events.map(([type, , payload]) => [type, payload])).toEqual([
        [
          'PaymentApproved',
          {
            paymentId: rows.get(a)!.paymentId,
            orderId: a,
            customerId: CUSTOMER,
            amount: 5_977_000,
            items: order.items,
            deliveryAddress: order.deliveryAddress,
            deliveryPhone: order.deliveryPhone,
          },
        ],
        ['PaymentVoided', { paymentId: rows.get(c)!.paymentId, orderId: c, customerId: CUSTOMER, cause: 'ORDER_CANCELED' }],
      ]);
      expect(rows.get(a)).toMatchObject({ amount: 5_977_000, orderDetails: null });
    });

    it('keeps the order while the charge waits, and nothing once it is decided', async () => {
      const order = spendingPoints(a);
      const { stored: rows } = await handled([placed(order), placed(spendingPoints(b)), unavailable(b)], 'together');
      expect(rows.get(a)).toMatchObject({
        status: 'AWAITING_POINTS',
        amount: 5_977_000,
        orderDetails: { items: order.items, deliveryAddress: order.deliveryAddress, deliveryPhone: order.deliveryPhone },
      });
      expect(rows.get(b)).toMatchObject({ status: 'POINTS_UNAVAILABLE', orderDetails: null });
    });
  });
});

/** A stored payment of order-a in this status, made through the payment's own transitions. */
function stored(status: PaymentStatus): Payment {
  const payment = Payment.unseen('p', 'order-a', CUSTOMER);
  const charge = (outcome: ChargeOutcome) => {
    const next = payment.orderPlaced({ ...aPlacedOrder('order-a'), amountDue: 5_980_000, pointsUsed: 0, cardToken: 'tok_visa' });
    if (next.do === 'charge') payment.charged(outcome);
  };
  const refund = (outcome: RefundOutcome) => {
    if (payment.refundAsked('ORDER_CANCELED').do === 'refund') payment.refunded(outcome);
  };
  if (status === 'VOIDED') payment.refundAsked('ORDER_CANCELED');
  else if (status === 'POINTS_UNAVAILABLE') payment.pointsReservationFailed();
  else charge(status === 'FAILED' ? { approved: false, reason: 'CARD_DECLINED' } : { approved: true });
  if (status === 'REFUNDED') refund({ refunded: true });
  if (status === 'REFUND_FAILED') refund({ refunded: false, reason: 'refused' });
  expect(payment.snapshot.status).toBe(status);
  return payment;
}
