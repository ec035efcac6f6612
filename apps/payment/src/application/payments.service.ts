import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Outbox } from '@homestore/messaging';
import { PaymentGateway } from '../domain/payment-gateway';
import { PaymentRepository } from '../infrastructure/payment.repository';
import { orderIdOf, PaymentRequest, settle } from './payment-requests';

/**
 * The payment's part of the saga. Runs in the caller's transaction (a handler's, with its inbox rows) and holds
 * its orders' locks, so redeliveries and events from other topics never charge or refund twice.
 */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly gateway: PaymentGateway,
    private readonly outbox: Outbox,
  ) {}

  /**
   * One order event's request, or a run of them, in a few statements however long the run: the orders' locks, their
   * payments, then each request in the given order against what the ones before it left (settle), then every
   * changed payment and every event at once (each order's events in the order they happened).
   */
  async handleAll(em: EntityManager, requests: PaymentRequest[]): Promise<void> {
    if (!requests.length) return;
    const payments = await this.payments.lockForOrders(em, requests.map(orderIdOf));
    const settled = await settle(payments, requests, this.gateway);
    await this.payments.saveAll(em, settled.payments);
    await this.outbox.addAll(em, settled.events);
  }
}
