import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Delivery } from '../domain/delivery';
import { DeliveryEntity } from './delivery.entity';

/** Advisory-lock namespace for one order's delivery (first int of the two-int form). */
const ORDER_LOCK_SPACE = 0xde1;

@Injectable()
export class DeliveryRepository {
  /** The order's delivery, if any, with the order locked until the transaction ends (also before its row exists). */
  async lockForOrder(em: EntityManager, orderId: string): Promise<Delivery | null> {
    await em.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [ORDER_LOCK_SPACE, orderId]);
    const row = await em.findOneBy(DeliveryEntity, { orderId });
    if (!row) return null;
    const { deliveryId, customerId, status, address, phone } = row;
    return Delivery.restore({ deliveryId, orderId, customerId, status, address, phone });
  }

  /** Writes the delivery as it is now, in one statement (em.save would read the row first). */
  async save(em: EntityManager, delivery: Delivery): Promise<void> {
    await em.upsert(DeliveryEntity, delivery.snapshot, ['orderId']);
  }

  findByOrder(em: EntityManager, orderId: string): Promise<DeliveryEntity | null> {
    return em.findOneBy(DeliveryEntity, { orderId });
  }
}
