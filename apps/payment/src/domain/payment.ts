import type { PaymentFailureReason, RefundCause } from '@homestore/events';

/** What the card processor answered to a charge. */
export type ChargeOutcome = { approved: true } | { approved: false; reason: PaymentFailureReason };

/** What the card processor answered to a refund. */
export type RefundOutcome = { refunded: true } | { refunded: false; reason: string };

/**
 * VOIDED: the order was canceled before payment ever saw it; the row stays as a tombstone so that a late
 * OrderPlaced never charges.
 */
export type PaymentStatus = 'APPROVED' | 'FAILED' | 'REFUNDED' | 'REFUND_FAILED' | 'VOIDED';

export interface PaymentState {
  paymentId: string;
  orderId: string;
  customerId: string;
  amount: number;
  cardToken: string;
  status: PaymentStatus;
  /** Why it failed (CARD_DECLINED...), why its refund failed, or what caused the refund. */
  reason: string | null;
}

/** The facts a payment announces; the application maps them onto the event contracts. */
export type PaymentFact =
  | { type: 'PaymentApproved' }
  | { type: 'PaymentFailed'; reason: PaymentFailureReason }
  | { type: 'PaymentRefunded'; cause: RefundCause }
  | { type: 'PaymentRefundFailed'; cause: RefundCause; reason: string };

export interface ChargeRequest {
  paymentId: string;
  orderId: string;
  customerId: string;
  amount: number;
  cardToken: string;
}

/**
 * One order's payment: charged at most once, ever (an order that already has a payment, even a voided one, is
 * never charged again), and refunded at most once, only if the charge was approved.
 */
export class Payment {
  private constructor(private state: PaymentState) {}

  static restore(state: PaymentState): Payment {
    return new Payment({ ...state });
  }

  /** The charge for a newly placed order, with the processor's answer. */
  static charged(request: ChargeRequest, outcome: ChargeOutcome): { payment: Payment; fact: PaymentFact } {
    if (outcome.approved) return { payment: new Payment({ ...request, status: 'APPROVED', reason: null }), fact: { type: 'PaymentApproved' } };
    return {
      payment: new Payment({ ...request, status: 'FAILED', reason: outcome.reason }),
      fact: { type: 'PaymentFailed', reason: outcome.reason },
    };
  }

  /** An order canceled before its payment was ever taken: nothing to pay back, and nothing may be charged later. */
  static voided(paymentId: string, orderId: string, customerId: string): Payment {
    return new Payment({ paymentId, orderId, customerId, amount: 0, cardToken: '', status: 'VOIDED', reason: null });
  }

  /** Only an approved charge is paid back, and only once. */
  get owesRefund(): boolean {
    return this.state.status === 'APPROVED';
  }

  /** Records the processor's answer to the refund; refuses when nothing is owed. */
  refunded(cause: RefundCause, outcome: RefundOutcome): PaymentFact {
    if (!this.owesRefund) throw new Error(`payment ${this.state.paymentId} is ${this.state.status}: no refund is owed`);
    if (outcome.refunded) {
      this.state = { ...this.state, status: 'REFUNDED', reason: cause };
      return { type: 'PaymentRefunded', cause };
    }
    this.state = { ...this.state, status: 'REFUND_FAILED', reason: outcome.reason };
    return { type: 'PaymentRefundFailed', cause, reason: outcome.reason };
  }

  get snapshot(): Readonly<PaymentState> {
    return this.state;
  }
}
