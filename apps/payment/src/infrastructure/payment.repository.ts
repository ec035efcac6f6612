import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { findLocked } from '@homestore/platform';
import { Payment } from '../domain/payment';
import { PaymentEntity } from './payment.entity';

/** Advisory-lock namespace for one order's payment (first int of the two-int form). */
const ORDER_LOCK_SPACE = 0x9a1;

@Injectable()
export class PaymentRepository {
  /**
   * The orders' payments (those they have), with the orders locked until the transaction ends: events of one order
   * from the order and store topics are handled one at a time, including before the payment row exists. Two
   * statements for any number of orders; the locks are taken in one order, so overlapping runs wait, never deadlock.
   */
  async lockForOrders(em: EntityManager, orderIds: string[]): Promise<Map<string, Payment>> {
    const rows = await findLocked(em, ORDER_LOCK_SPACE, PaymentEntity, 'orderId', orderIds);
    return new Map(
      rows.map(({ paymentId, orderId, customerId, amount, cardToken, status, reason }) => [
        orderId,
        Payment.restore({ paymentId, orderId, customerId, amount, cardToken, status, reason }),
      ]),
    );
  }

  /** Writes the payments as they are now, in one statement (em.save would read the rows first). */
  async saveAll(em: EntityManager, payments: Payment[]): Promise<void> {
    if (!payments.length) return;
    await em.upsert(PaymentEntity, payments.map((p) => p.snapshot), ['orderId']);
  }

  findByOrder(em: EntityManager, orderId: string): Promise<PaymentEntity | null> {
    return em.findOneBy(PaymentEntity, { orderId });
  }
}
