import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { findLocked } from '@homestore/platform';
import { Delivery } from '../domain/delivery';
import { DeliveryEntity } from './delivery.entity';

/** Advisory-lock namespace for one order's delivery (first int of the two-int form). */
const ORDER_LOCK_SPACE = 0xde1;

@Injectable()
export class DeliveryRepository {
  /** The order's delivery, if any, with the order locked until the transaction ends (also before its row exists). */
  async lockForOrder(em: EntityManager, orderId: string): Promise<Delivery | null> {
    return (await this.lockForOrders(em, [orderId])).get(orderId) ?? null;
  }

  /**
   * The deliveries these orders have, by orderId, with every order locked until the transaction ends (the same lock
   * as lockForOrder's, taken in sorted order so that concurrent callers never deadlock): two statements.
   */
  async lockForOrders(em: EntityManager, orderIds: string[]): Promise<Map<string, Delivery>> {
    const rows = await findLocked(em, ORDER_LOCK_SPACE, DeliveryEntity, 'orderId', orderIds);
    return new Map(rows.map((row) => [row.orderId, toDelivery(row)]));
  }

  /** Writes the delivery as it is now, in one statement (em.save would read the row first). */
  save(em: EntityManager, delivery: Delivery): Promise<void> {
    return this.saveAll(em, [delivery]);
  }

  /** Writes these deliveries (one per order) as they are now, in one statement. */
  async saveAll(em: EntityManager, deliveries: Delivery[]): Promise<void> {
    if (!deliveries.length) return;
    await em.upsert(DeliveryEntity, deliveries.map((d) => d.snapshot), ['orderId']);
  }

  findByOrder(em: EntityManager, orderId: string): Promise<DeliveryEntity | null> {
    return em.findOneBy(DeliveryEntity, { orderId });
  }
}

function toDelivery({ deliveryId, orderId, customerId, status, address, phone }: DeliveryEntity): Delivery {
  return Delivery.restore({ deliveryId, orderId, customerId, status, address, phone });
}
