import type { OrderPlacedPayload, RefundCause } from '@homestore/events';
import { Payment, PaymentStatus } from '../domain/payment';
import { CardRequest, PaymentGateway } from '../domain/payment-gateway';
import { SimulatedPaymentGateway } from '../infrastructure/simulated-payment-gateway';
import { PaymentRequest, settle } from './payment-requests';

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

const placed = (order: OrderPlacedPayload): PaymentRequest => ({ charge: order });
const refund = (orderId: string, cause: RefundCause): PaymentRequest => ({ refund: { orderId, customerId: CUSTOMER, cause } });

/** Payment ids 1, 2, 3... so that two ways of settling the same requests can be compared. */
const counter = () => {
  let n = 0;
  return () => `payment-${++n}`;
};

/** Settles the requests together (one run) or one at a time, from the payments given. */
async function settled(requests: PaymentRequest[], how: 'together' | 'one at a time', loaded: Payment[] = []) {
  const payments = new Map(loaded.map((p) => [p.snapshot.orderId, p]));
  const gateway = new RecordingGateway();
  const newId = counter();
  const runs = how === 'together' ? [requests] : requests.map((r) => [r]);
  const outcomes = [];
  for (const run of runs) outcomes.push(await settle(payments, run, gateway, newId));
  return {
    statuses: Object.fromEntries([...payments].map(([orderId, p]) => [orderId, [p.snapshot.status, p.snapshot.reason]])),
    events: outcomes.flatMap((o) => o.events).map((e) => [e.definition.type, (e.payload as { orderId: string }).orderId, e.payload]),
    written: outcomes.map((o) => o.payments.map((p) => p.snapshot.orderId)),
    calls: gateway.calls,
  };
}

describe('settle (order events taken in order against the orders payments)', () => {
  const [a, b, c, d, e] = ['order-a', 'order-b', 'order-c', 'order-d', 'order-e'];
  const mixed = (): PaymentRequest[] => [
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

  it('ends a run as one at a time would: charged once, refunded once, a voided order never charged', async () => {
    const requests = mixed();
    const together = await settled(requests, 'together');
    expect(together.statuses).toEqual({
      [a]: ['REFUNDED', 'ORDER_CANCELED'],
      [b]: ['REFUNDED', 'OUT_OF_STOCK'],
      [c]: ['VOIDED', null],
      [d]: ['REFUND_FAILED', 'the card issuer refused the refund'],
      [e]: ['FAILED', 'CARD_DECLINED'],
    });
    expect(together.events.map(([type, orderId]) => [type, orderId])).toEqual([
      ['PaymentApproved', a],
      ['PaymentApproved', b],
      ['PaymentApproved', d],
      ['PaymentFailed', e],
      ['PaymentRefunded', a],
      ['PaymentRefunded', b],
      ['PaymentRefundFailed', d],
    ]);
    expect(together.calls).toEqual([`charge ${a}`, `charge ${b}`, `charge ${d}`, `charge ${e}`, `refund ${a}`, `refund ${b}`, `refund ${d}`]);
    const oneAtATime = await settled(requests, 'one at a time');
    expect({ ...together, written: undefined }).toEqual({ ...oneAtATime, written: undefined });
  });

  it('writes each changed payment once, as it ended, and leaves untouched ones out', async () => {
    const { written } = await settled(mixed(), 'together');
    expect(written).toEqual([[a, b, c, d, e]]);
    const approved = Payment.charged({ paymentId: 'p', orderId: a, customerId: CUSTOMER, amount: 1, cardToken: 'tok_visa' }, { approved: true }).payment;
    expect((await settled([placed(aPlacedOrder(a)), refund(b, 'ORDER_CANCELED')], 'together', [approved])).written).toEqual([[b]]);
  });

  it('announces what the store needs with the approval, and the refunded amount with the refund', async () => {
    const order = aPlacedOrder(a);
    const { events } = await settled([placed(order), refund(a, 'OUT_OF_STOCK')], 'together');
    const base = { paymentId: 'payment-1', orderId: a, customerId: CUSTOMER, amount: order.totalAmount };
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
  ])('never charges an order that already has a payment (%s), and refunds only an approved one', async (status, calls) => {
    const charge = { paymentId: 'p', orderId: a, customerId: CUSTOMER, amount: 5_980_000, cardToken: 'tok_visa' };
    const loaded =
      status === 'VOIDED'
        ? Payment.voided('p', a, CUSTOMER)
        : Payment.charged(charge, status === 'FAILED' ? { approved: false, reason: 'CARD_DECLINED' } : { approved: true }).payment;
    if (status === 'REFUNDED') loaded.refunded('ORDER_CANCELED', { refunded: true });
    if (status === 'REFUND_FAILED') loaded.refunded('ORDER_CANCELED', { refunded: false, reason: 'refused' });
    const outcome = await settled([placed(aPlacedOrder(a)), refund(a, 'ORDER_CANCELED'), refund(a, 'OUT_OF_STOCK')], 'together', [loaded]);
    expect(outcome.calls).toEqual(calls);
    expect(outcome.events.map(([type]) => type)).toEqual(status === 'APPROVED' ? ['PaymentRefunded'] : []);
  });
});
