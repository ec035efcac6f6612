import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  OrderPlacedPayload,
  PaymentApproved,
  PaymentFailed,
  PaymentRefunded,
  PaymentRefundFailed,
  RefundCause,
} from '@homestore/events';
import { Outbox } from '@homestore/messaging';
import { Payment, PaymentFact, PaymentState } from '../domain/payment';
import { PaymentGateway } from '../domain/payment-gateway';
import { PaymentRepository } from '../infrastructure/payment.repository';

/**
 * The payment's part of the saga. Every method runs in the caller's transaction (a handler's, with its inbox
 * row) and holds the order's lock, so redeliveries and events from other topics never charge or refund twice.
 */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly gateway: PaymentGateway,
    private readonly outbox: Outbox,
  ) {}

  /** Charges a placed order once; an order that already has a payment (even a voided one) is left alone. */
  async chargeOrder(em: EntityManager, order: OrderPlacedPayload): Promise<void> {
    if (await this.payments.lockForOrder(em, order.orderId)) return;
    const request = { paymentId: randomUUID(), orderId: order.orderId, customerId: order.customerId, amount: order.totalAmount, cardToken: order.payment.cardToken };
    const { payment, fact } = Payment.charged(request, await this.gateway.charge(request));
    await this.payments.save(em, payment);
    await this.announce(em, payment.snapshot, fact, order);
  }

  /** Pays back an approved charge once; records a voided payment for an order it never saw. */
  async refundOrder(em: EntityManager, orderId: string, customerId: string, cause: RefundCause): Promise<void> {
    const payment = await this.payments.lockForOrder(em, orderId);
    if (!payment) return this.payments.save(em, Payment.voided(randomUUID(), orderId, customerId));
    if (!payment.owesRefund) return;
    const fact = payment.refunded(cause, await this.gateway.refund(payment.snapshot));
    await this.payments.save(em, payment);
    await this.announce(em, payment.snapshot, fact);
  }

  private async announce(em: EntityManager, p: Readonly<PaymentState>, fact: PaymentFact, order?: OrderPlacedPayload): Promise<void> {
    const base = { paymentId: p.paymentId, orderId: p.orderId, customerId: p.customerId, amount: p.amount };
    switch (fact.type) {
      case 'PaymentApproved': {
        const { items, deliveryAddress, deliveryPhone } = order!;
        await this.outbox.add(em, PaymentApproved, { ...base, items, deliveryAddress, deliveryPhone });
        return;
      }
      case 'PaymentFailed':
        await this.outbox.add(em, PaymentFailed, { ...base, reason: fact.reason });
        return;
      case 'PaymentRefunded':
        await this.outbox.add(em, PaymentRefunded, { ...base, cause: fact.cause });
        return;
      case 'PaymentRefundFailed':
        await this.outbox.add(em, PaymentRefundFailed, { ...base, cause: fact.cause, reason: fact.reason });
    }
  }
}
