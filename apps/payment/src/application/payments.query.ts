import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@homestore/auth';
import { PaymentRepository } from '../infrastructure/payment.repository';
import { paymentNotFound } from '../domain/payment.errors';

export interface PaymentView {
  orderId: string;
  status: 'APPROVED' | 'FAILED' | 'REFUNDED' | 'REFUND_FAILED';
  amount: number;
  reason?: string;
  updatedAt: string;
}

/** GET /payments/:orderId: the owner or the store; anyone else, and a voided (never taken) payment, is 404. */
@Injectable()
export class PaymentsQuery {
  constructor(
    private readonly dataSource: DataSource,
    private readonly payments: PaymentRepository,
  ) {}

  async ofOrder(orderId: string, user: AuthUser): Promise<PaymentView> {
    if (!isUUID(orderId)) throw paymentNotFound();
    const p = await this.payments.findByOrder(this.dataSource.manager, orderId);
    if (!p || p.status === 'VOIDED' || (user.role !== 'store' && p.customerId !== user.id)) throw paymentNotFound();
    return { orderId: p.orderId, status: p.status, amount: p.amount, ...(p.reason ? { reason: p.reason } : {}), updatedAt: p.updatedAt.toISOString() };
  }
}
