import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AggregateStore, findLocked, UnitOfWork } from '@homestore/persistence';
import { Payment } from '../domain/payment';
import { PaymentEntity } from './payment.entity';

/** Advisory-lock namespace for one order's payment (first int of the two-int form). */
const ORDER_LOCK_SPACE = 0x9a1;

/** Payments in PostgreSQL, one row per order (the key of the aggregate is its orderId). */
@Injectable()
export class PaymentRepository implements AggregateStore<Payment> {
  /** The order's payment, locked until the unit of work's transaction ends; undefined when payment never saw the order. */
  load(work: UnitOfWork, orderId: string): Promise<Payment | undefined> {
    return work.load(this, orderId);
  }

  /** Writes the payment, new or changed, when the unit of work commits. */
  save(work: UnitOfWork, payment: Payment): void {
    work.save(this, payment.snapshot.orderId, payment);
  }

  /**
   * Locks the orders, then reads the payments they have: two statements for any number of orders. The locks are
   * advisory, not row locks: an order's events come from three topics (order, store, mileage), so from transactions that may
   * overlap, and the first of them finds no row to lock. They are taken in one order, so overlapping runs wait, never
   * deadlock, and the read, a statement of its own, sees what the previous holder committed.
   */
  async loadMany(em: EntityManager, orderIds: string[]): Promise<Map<string, Payment>> {
    const rows = await findLocked(em, ORDER_LOCK_SPACE, PaymentEntity, 'orderId', orderIds);
    return new Map(
      rows.map(({ paymentId, orderId, customerId, amount, cardToken, status, reason, orderDetails }) => [
        orderId,
        Payment.restore({ paymentId, orderId, customerId, amount, cardToken, status, reason, orderDetails }),
      ]),
    );
  }

  /** Writes the payments as they are now, in one statement (em.save would read the rows first). */
  async saveMany(em: EntityManager, payments: Payment[]): Promise<void> {
    if (!payments.length) return;
    await em.upsert(PaymentEntity, payments.map((p) => p.snapshot), ['orderId']);
  }

  /** The order's payment as stored, for queries (no lock). */
  findByOrder(em: EntityManager, orderId: string): Promise<PaymentEntity | null> {
    return em.findOneBy(PaymentEntity, { orderId });
  }
}
