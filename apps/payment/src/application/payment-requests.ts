import { randomUUID } from 'node:crypto';
import { EventEnvelope, OrderPlacedPayload, PaymentApproved, PaymentFailed, PaymentRefunded, PaymentRefundFailed, RefundCause } from '@homestore/events';
import type { PendingEvent } from '@homestore/messaging';
import { Payment, PaymentFact, PaymentState } from '../domain/payment';
import { PaymentGateway } from '../domain/payment-gateway';

/** What an order event asks of payment: charge a placed order, or pay back one that will not be delivered. */
export type PaymentRequest = ({ charge: OrderPlacedPayload } | { refund: { orderId: string; customerId: string; cause: RefundCause } }) & {
  /** The order event asking, for the correlation of what payment raises because of it (as PendingEvent.cause). */
  cause?: EventEnvelope;
};

export const orderIdOf = (request: PaymentRequest): string => ('charge' in request ? request.charge.orderId : request.refund.orderId);

/** What the requests left: the payments to write (each once, as it ended) and the events to announce, in the order they happened. */
export interface Settled {
  payments: Payment[];
  events: PendingEvent[];
}

/**
 * Takes the requests in the order given against the orders' payments (`payments`, by orderId, as loaded; kept up to
 * date here), each seeing what the ones before it left: however many come at once, they end as one at a time would.
 * A placed order is charged once, ever: not when it already has a payment, even a voided one. A refund pays back an
 * approved charge once; for an order never seen it leaves a voided payment, so that a late OrderPlaced never charges.
 */
export async function settle(payments: Map<string, Payment>, requests: PaymentRequest[], gateway: PaymentGateway, newId: () => string = randomUUID): Promise<Settled> {
  const changed = new Map<string, Payment>();
  const events: PendingEvent[] = [];
  for (const request of requests) {
    const orderId = orderIdOf(request);
    const existing = payments.get(orderId);
    if ('charge' in request) {
      if (existing) continue;
      const order = request.charge;
      const charge = { paymentId: newId(), orderId, customerId: order.customerId, amount: order.totalAmount, cardToken: order.payment.cardToken };
      const { payment, fact } = Payment.charged(charge, await gateway.charge(charge));
      payments.set(orderId, payment);
      changed.set(orderId, payment);
      events.push({ ...announcement(payment.snapshot, fact, order), cause: request.cause });
    } else if (!existing) {
      const voided = Payment.voided(newId(), orderId, request.refund.customerId);
      payments.set(orderId, voided);
      changed.set(orderId, voided);
    } else if (existing.owesRefund) {
      const fact = existing.refunded(request.refund.cause, await gateway.refund(existing.snapshot));
      changed.set(orderId, existing);
      events.push({ ...announcement(existing.snapshot, fact), cause: request.cause });
    }
  }
  return { payments: [...changed.values()], events };
}

/** The event contract of a payment's fact; PaymentApproved carries what the store needs from the order. */
function announcement(p: Readonly<PaymentState>, fact: PaymentFact, order?: OrderPlacedPayload): PendingEvent {
  const base = { paymentId: p.paymentId, orderId: p.orderId, customerId: p.customerId, amount: p.amount };
  switch (fact.type) {
    case 'PaymentApproved': {
      const { items, deliveryAddress, deliveryPhone } = order!;
      return { definition: PaymentApproved, payload: { ...base, items, deliveryAddress, deliveryPhone } };
    }
    case 'PaymentFailed':
      return { definition: PaymentFailed, payload: { ...base, reason: fact.reason } };
    case 'PaymentRefunded':
      return { definition: PaymentRefunded, payload: { ...base, cause: fact.cause } };
    case 'PaymentRefundFailed':
      return { definition: PaymentRefundFailed, payload: { ...base, cause: fact.cause, reason: fact.reason } };
  }
}
