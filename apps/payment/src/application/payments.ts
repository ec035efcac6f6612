import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  OrderPlacedPayload,
  PaymentApproved,
  PaymentFailed,
  PaymentRefunded,
  PaymentRefundFailed,
  PaymentVoided,
  RefundCause,
} from '@homestore/events';
import { Outbox, PendingEvent } from '@homestore/messaging';
import type { UnitOfWork } from '@homestore/persistence';
import { Next, Payment, PaymentFact, PaymentState } from '../domain/payment';
import { PaymentGateway } from '../domain/payment-gateway';
import { PaymentRepository } from '../infrastructure/payment.repository';

/** The order an event is about. */
export interface OrderRef {
  orderId: string;
  customerId: string;
}

/**
 * The payment's part of the saga, one event at a time, in the unit of work that also records the event in the
 * inbox: a redelivered event, or one of the same order from another topic, finds what the first one left.
 *
 * The processor's answer is awaited between the payment's decision to ask for it (CHARGING, REFUNDING) and recording
 * the answer on it. The payment is saved before that await: the consumer runs the events of one order one after the
 * other (one lane per orderId, whatever their topic's key), other transactions wait on the order's lock, and even a
 * handler of the order that loaded it meanwhile would find it CHARGING and ask for nothing.
 */
@Injectable()
export class Payments {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly gateway: PaymentGateway,
    private readonly outbox: Outbox,
  ) {}

  /** OrderPlaced: charges amountDue once ever, at once, or once the points it spends are reserved. */
  async orderPlaced(work: UnitOfWork, order: OrderPlacedPayload): Promise<void> {
    const payment = await this.paymentOf(work, order);
    const { items, deliveryAddress, deliveryPhone } = order;
    const placed = { items, deliveryAddress, deliveryPhone, amountDue: order.amountDue ?? order.totalAmount, pointsUsed: order.pointsUsed ?? 0, cardToken: order.payment.cardToken };
    await this.carryOut(work, payment, payment.orderPlaced(placed));
  }

  /** PointsReserved: the charge that waited for the points goes ahead (or waits for its OrderPlaced). */
  async pointsReserved(work: UnitOfWork, order: OrderRef): Promise<void> {
    const payment = await this.paymentOf(work, order);
    await this.carryOut(work, payment, payment.pointsReserved());
  }

  /** PointsReservationFailed: the order is never charged. */
  async pointsReservationFailed(work: UnitOfWork, order: OrderRef): Promise<void> {
    const payment = await this.paymentOf(work, order);
    await this.carryOut(work, payment, payment.pointsReservationFailed());
  }

  /**
   * OrderCanceled, StockReservationFailed: pays back an approved charge, once; voids a charge that still waited (and
   * a payment never seen), so that nothing is charged later.
   */
  async refund(work: UnitOfWork, order: OrderRef, cause: RefundCause): Promise<void> {
    const payment = await this.paymentOf(work, order);
    await this.carryOut(work, payment, payment.refundAsked(cause));
  }

  /** The order's payment, or a new one when payment has not heard of the order yet (stored only once it changes). */
  private async paymentOf(work: UnitOfWork, { orderId, customerId }: OrderRef): Promise<Payment> {
    return (await this.payments.load(work, orderId)) ?? Payment.unseen(randomUUID(), orderId, customerId);
  }

  /** Does what the payment asked for: saves it, asks the processor and records the answer, announces the fact. */
  private async carryOut(work: UnitOfWork, payment: Payment, next: Next): Promise<void> {
    if (next.do === 'nothing') return;
    this.payments.save(work, payment);
    let fact: PaymentFact | undefined;
    if (next.do === 'save') fact = next.fact;
    else if (next.do === 'charge') fact = payment.charged(await this.gateway.charge(next.request));
    else fact = payment.refunded(await this.gateway.refund(next.request));
    if (fact) this.outbox.add(work, [announcement(payment.snapshot, fact)]);
  }
}

/** The event contract of a payment's fact; PaymentApproved carries what the store needs from the order. */
function announcement(p: Readonly<PaymentState>, fact: PaymentFact): PendingEvent {
  const ids = { paymentId: p.paymentId, orderId: p.orderId, customerId: p.customerId };
  const base = { ...ids, amount: p.amount };
  switch (fact.type) {
    case 'PaymentApproved':
      return { definition: PaymentApproved, payload: { ...base, ...fact.order } };
    case 'PaymentFailed':
      return { definition: PaymentFailed, payload: { ...base, reason: fact.reason } };
    case 'PaymentRefunded':
      return { definition: PaymentRefunded, payload: { ...base, cause: fact.cause } };
    case 'PaymentRefundFailed':
      return { definition: PaymentRefundFailed, payload: { ...base, cause: fact.cause, reason: fact.reason } };
    case 'PaymentVoided':
      return { definition: PaymentVoided, payload: { ...ids, cause: fact.cause } };
  }
}
