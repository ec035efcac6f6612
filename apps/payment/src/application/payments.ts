import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { OrderPlacedPayload, PaymentApproved, PaymentFailed, PaymentRefunded, PaymentRefundFailed, RefundCause } from '@homestore/events';
import { Outbox, PendingEvent } from '@homestore/messaging';
import type { UnitOfWork } from '@homestore/persistence';
import { Payment, PaymentFact, PaymentState } from '../domain/payment';
import { PaymentGateway } from '../domain/payment-gateway';
import { PaymentRepository } from '../infrastructure/payment.repository';

/** The order a refund is asked for. */
export interface OrderRef {
  orderId: string;
  customerId: string;
}

/**
 * The payment's part of the saga, one order event at a time, in the unit of work that also records the event in the
 * inbox: a redelivered event, or one of the same order from the other topic, finds what the first one left.
 *
 * The processor's answer is awaited between reading the payment and recording the answer on it. That is safe
 * because the payment's key is the events' Kafka key (orderId): within a unit of work no other handler touches
 * this payment meanwhile (one lane per key), and other transactions wait on its lock.
 */
@Injectable()
export class Payments {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly gateway: PaymentGateway,
    private readonly outbox: Outbox,
  ) {}

  /** Charges a placed order, once ever: not when it already has a payment, even a voided one. */
  async charge(work: UnitOfWork, order: OrderPlacedPayload): Promise<void> {
    if (await this.payments.load(work, order.orderId)) return;
    const request = { paymentId: randomUUID(), orderId: order.orderId, customerId: order.customerId, amount: order.totalAmount, cardToken: order.payment.cardToken };
    const { payment, fact } = Payment.charged(request, await this.gateway.charge(request));
    this.payments.save(work, payment);
    this.outbox.add(work, [announcement(payment.snapshot, fact, order)]);
  }

  /**
   * Pays back an approved charge, once. An order payment never saw gets a voided payment instead, so that its
   * OrderPlaced, arriving late, never charges.
   */
  async refund(work: UnitOfWork, order: OrderRef, cause: RefundCause): Promise<void> {
    const payment = await this.payments.load(work, order.orderId);
    if (!payment) return this.payments.save(work, Payment.voided(randomUUID(), order.orderId, order.customerId));
    if (!payment.owesRefund) return;
    const fact = payment.refunded(cause, await this.gateway.refund(payment.snapshot));
    this.payments.save(work, payment);
    this.outbox.add(work, [announcement(payment.snapshot, fact)]);
  }
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
