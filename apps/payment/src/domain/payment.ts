import type { OrderLine, PaymentFailureReason, RefundCause, VoidCause } from '@homestore/events';
import type { CardRequest } from './payment-gateway';

/** What the card processor answered to a charge. */
export type ChargeOutcome = { approved: true } | { approved: false; reason: PaymentFailureReason };

/** What the card processor answered to a refund. */
export type RefundOutcome = { refunded: true } | { refunded: false; reason: string };

/**
 * - UNSEEN: payment has heard nothing of the order yet (never stored: the first fact makes the row).
 * - AWAITING_POINTS: the order spends points; it is charged once mileage has reserved them.
 * - POINTS_RESERVED: mileage reserved the points before OrderPlaced reached payment; charged when it does.
 * - POINTS_UNAVAILABLE: mileage could not reserve the points; never charged.
 * - CHARGING, REFUNDING: the processor was asked, its answer is awaited (never stored: the answer is recorded in
 *   the same transaction, which rolls back without one).
 * - VOIDED: the order was canceled (or rejected by the store) before any charge; the row stays as a tombstone so
 *   that nothing arriving later (a late OrderPlaced, a late PointsReserved) charges.
 */
export type PaymentStatus =
  | 'UNSEEN'
  | 'AWAITING_POINTS'
  | 'POINTS_RESERVED'
  | 'POINTS_UNAVAILABLE'
  | 'CHARGING'
  | 'APPROVED'
  | 'FAILED'
  | 'REFUNDING'
  | 'REFUNDED'
  | 'REFUND_FAILED'
  | 'VOIDED';

/** The stored statuses of a payment the card processor answered a charge of. */
export const CHARGED_STATUSES = ['APPROVED', 'FAILED', 'REFUNDED', 'REFUND_FAILED'] as const satisfies PaymentStatus[];

/** What the store needs of the order: PaymentApproved carries it on (the store never sees OrderPlaced). */
export interface OrderDetails {
  items: OrderLine[];
  deliveryAddress: string;
  deliveryPhone: string;
}

export interface PaymentState {
  paymentId: string;
  orderId: string;
  customerId: string;
  /** What is charged: the order's amountDue (0 until the order is known). */
  amount: number;
  cardToken: string;
  status: PaymentStatus;
  /** Why it failed (CARD_DECLINED...), why its refund failed, or what caused the refund. */
  reason: string | null;
  /** Kept from OrderPlaced until the charge is decided (a charge may wait for the points); null otherwise. */
  orderDetails: OrderDetails | null;
}

/** A placed order as payment takes it. */
export interface PlacedOrder extends OrderDetails {
  /** totalAmount − pointsUsed: what the card is charged. */
  amountDue: number;
  pointsUsed: number;
  cardToken: string;
}

/** The facts a payment announces; the application maps them onto the event contracts. */
export type PaymentFact =
  | { type: 'PaymentApproved'; order: OrderDetails }
  | { type: 'PaymentFailed'; reason: PaymentFailureReason }
  | { type: 'PaymentRefunded'; cause: RefundCause }
  | { type: 'PaymentRefundFailed'; cause: RefundCause; reason: string }
  | { type: 'PaymentVoided'; cause: VoidCause };

/**
 * What the payment needs done after taking an event: nothing (a redelivery, or a fact that changes nothing); saving it
 * (and announcing `fact`); or asking the card processor, whose answer goes to `charged` or `refunded`.
 */
export type Next =
  | { do: 'nothing' }
  | { do: 'save'; fact?: PaymentFact }
  | { do: 'charge'; request: CardRequest }
  | { do: 'refund'; request: CardRequest };

const NOTHING: Next = { do: 'nothing' };
const WAITING: PaymentStatus[] = ['AWAITING_POINTS', 'POINTS_RESERVED', 'POINTS_UNAVAILABLE'];

/**
 * One order's payment: charged at most once, ever (an order that already has a payment, even a voided one, is
 * never charged again), only once both the order and — when it spends points — their reservation are known, and
 * refunded at most once, only if the charge was approved. The events of one order come from two or three topics
 * (order, store, mileage) in any order: each method takes one of them whatever came before, and a fact it already
 * holds changes nothing.
 *
 * The decision to ask the processor is taken here, before the caller awaits it: the payment is CHARGING (or
 * REFUNDING) from then on, so a second event of the order taken meanwhile cannot ask again.
 */
export class Payment {
  private constructor(private state: PaymentState) {}

  /** The payment of an order payment has not heard of yet; saved once a fact is recorded on it. */
  static unseen(paymentId: string, orderId: string, customerId: string): Payment {
    return new Payment({ paymentId, orderId, customerId, amount: 0, cardToken: '', status: 'UNSEEN', reason: null, orderDetails: null });
  }

  static restore(state: PaymentState): Payment {
    return new Payment({ ...state });
  }

  get snapshot(): Readonly<PaymentState> {
    return this.state;
  }

  /** Only an approved charge is paid back, and only once. */
  get owesRefund(): boolean {
    return this.state.status === 'APPROVED';
  }

  /** OrderPlaced: charged now, unless it spends points that mileage has not reserved yet. */
  orderPlaced(order: PlacedOrder): Next {
    const { status } = this.state;
    if (status !== 'UNSEEN' && status !== 'POINTS_RESERVED') return NOTHING; // known already, or never to be charged
    const { items, deliveryAddress, deliveryPhone } = order;
    this.change({ amount: order.amountDue, cardToken: order.cardToken, orderDetails: { items, deliveryAddress, deliveryPhone } });
    if (status === 'UNSEEN' && order.pointsUsed > 0) return this.become('AWAITING_POINTS');
    return this.charge();
  }

  /** PointsReserved: the charge that waited for them goes ahead; before the order is known, it waits for it. */
  pointsReserved(): Next {
    if (this.state.status === 'UNSEEN') return this.become('POINTS_RESERVED');
    if (this.state.status === 'AWAITING_POINTS') return this.charge();
    return NOTHING;
  }

  /** PointsReservationFailed: the order is rejected; nothing is charged, nothing announced. */
  pointsReservationFailed(): Next {
    if (this.state.status !== 'UNSEEN' && this.state.status !== 'AWAITING_POINTS') return NOTHING;
    return this.become('POINTS_UNAVAILABLE', { orderDetails: null });
  }

  /**
   * The order was canceled (ORDER_CANCELED) or the store could not supply it (OUT_OF_STOCK): an approved charge is paid
   * back; a charge still waiting is voided and never made, and a canceled order hears so (PaymentVoided: its cancel
   * waits for the payment to settle). An order payment never heard of is voided silently, so that its OrderPlaced,
   * arriving late, never charges.
   */
  refundAsked(cause: RefundCause): Next {
    const { status } = this.state;
    if (status === 'CHARGING' || status === 'REFUNDING') {
      throw new Error(`payment ${this.state.paymentId} is ${status}: the processor's answer must be recorded first`);
    }
    if (status === 'APPROVED') {
      this.change({ status: 'REFUNDING', reason: cause });
      return { do: 'refund', request: this.cardRequest() };
    }
    if (status === 'UNSEEN') return this.become('VOIDED');
    if (!WAITING.includes(status)) return NOTHING;
    this.change({ status: 'VOIDED', orderDetails: null });
    return { do: 'save', fact: cause === 'ORDER_CANCELED' ? { type: 'PaymentVoided', cause } : undefined };
  }

  /** Records the processor's answer to the charge this payment asked for. */
  charged(outcome: ChargeOutcome): PaymentFact {
    if (this.state.status !== 'CHARGING') throw new Error(`payment ${this.state.paymentId} is ${this.state.status}: no charge was asked for`);
    const order = this.state.orderDetails!;
    if (outcome.approved) {
      this.change({ status: 'APPROVED', reason: null, orderDetails: null });
      return { type: 'PaymentApproved', order };
    }
    this.change({ status: 'FAILED', reason: outcome.reason, orderDetails: null });
    return { type: 'PaymentFailed', reason: outcome.reason };
  }

  /** Records the processor's answer to the refund this payment asked for. */
  refunded(outcome: RefundOutcome): PaymentFact {
    if (this.state.status !== 'REFUNDING') throw new Error(`payment ${this.state.paymentId} is ${this.state.status}: no refund was asked for`);
    const cause = this.state.reason as RefundCause;
    if (outcome.refunded) {
      this.change({ status: 'REFUNDED' });
      return { type: 'PaymentRefunded', cause };
    }
    this.change({ status: 'REFUND_FAILED', reason: outcome.reason });
    return { type: 'PaymentRefundFailed', cause, reason: outcome.reason };
  }

  private charge(): Next {
    this.change({ status: 'CHARGING' });
    return { do: 'charge', request: this.cardRequest() };
  }

  private become(status: PaymentStatus, more: Partial<PaymentState> = {}): Next {
    this.change({ ...more, status });
    return { do: 'save' };
  }

  /** A new state object each time: a snapshot handed out earlier stays as it was. */
  private change(patch: Partial<PaymentState>): void {
    this.state = { ...this.state, ...patch };
  }

  private cardRequest(): CardRequest {
    const { orderId, amount, cardToken } = this.state;
    return { orderId, amount, cardToken };
  }
}
