import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@homestore/auth';
import { PaymentRepository } from '../infrastructure/payment.repository';
import { CHARGED_STATUSES, PaymentStatus } from '../domain/payment';
import { paymentNotFound } from '../domain/payment.errors';

export interface PaymentView {
  orderId: string;
  status: (typeof CHARGED_STATUSES)[number];
  amount: number;
  reason?: string;
  updatedAt: string;
}

const isCharged = (status: PaymentStatus): status is PaymentView['status'] => (CHARGED_STATUSES as readonly string[]).includes(status);

/**
 * GET /payments/:orderId: the owner or the store; anyone else, and a payment the processor was never asked to charge
 * (voided, waiting for its points, or their reservation failed), is 404.
 */
@Injectable()
export class PaymentsQuery {
  constructor(
    private readonly dataSource: DataSource,
    private readonly payments: PaymentRepository,
  ) {}

  async ofOrder(orderId: string, user: AuthUser): Promise<PaymentView> {
    if (!isUUID(orderId)) throw paymentNotFound();
    const p = await this.payments.findByOrder(this.dataSource.manager, orderId);
    if (!p || !isCharged(p.status) || (user.role !== 'store' && p.customerId !== user.id)) throw paymentNotFound();
    return { orderId: p.orderId, status: p.status, amount: p.amount, ...(p.reason ? { reason: p.reason } : {}), updatedAt: p.updatedAt.toISOString() };
  }
}
