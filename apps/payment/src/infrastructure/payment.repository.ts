import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Payment } from '../domain/payment';
import { PaymentEntity } from './payment.entity';

/** Advisory-lock namespace for one order's payment (first int of the two-int form). */
const ORDER_LOCK_SPACE = 0x9a1;

@Injectable()
export class PaymentRepository {
  /**
   * The order's payment, if any, with the order locked until the transaction ends: events of one order from
   * the order and store topics are handled one at a time, including before the payment row exists.
   */
  async lockForOrder(em: EntityManager, orderId: string): Promise<Payment | null> {
    await em.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [ORDER_LOCK_SPACE, orderId]);
    const row = await em.findOneBy(PaymentEntity, { orderId });
    if (!row) return null;
    const { paymentId, customerId, amount, cardToken, status, reason } = row;
    return Payment.restore({ paymentId, orderId, customerId, amount, cardToken, status, reason });
  }

  /** Writes the payment as it is now, in one statement (em.save would read the row first). */
  async save(em: EntityManager, payment: Payment): Promise<void> {
    await em.upsert(PaymentEntity, payment.snapshot, ['orderId']);
  }

  findByOrder(em: EntityManager, orderId: string): Promise<PaymentEntity | null> {
    return em.findOneBy(PaymentEntity, { orderId });
  }
}
