import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AggregateStore, findLocked, UnitOfWork } from '@homestore/persistence';
import { Delivery } from '../domain/delivery';
import { DeliveryEntity } from './delivery.entity';

/** Advisory-lock namespace for one order's delivery (first int of the two-int form). */
const ORDER_LOCK_SPACE = 0xde1;

/** Deliveries in PostgreSQL, one row per order (tombstones included), keyed by orderId. */
@Injectable()
export class DeliveryRepository implements AggregateStore<Delivery> {
  /** The order's delivery, the order locked until the unit of work's transaction ends (also when it has none yet). */
  load(work: UnitOfWork, orderId: string): Promise<Delivery | undefined> {
    return work.load(this, orderId);
  }

  /** Writes the delivery as it is now when the unit of work commits. */
  save(work: UnitOfWork, delivery: Delivery): void {
    work.save(this, delivery.snapshot.orderId, delivery);
  }

  /**
   * Locks these orders (advisory locks, sorted, so concurrent callers never deadlock; an order without a row is locked
   * too, so a first event and the clerk never race), then reads their deliveries: two statements.
   */
  async loadMany(em: EntityManager, orderIds: string[]): Promise<Map<string, Delivery>> {
    const rows = await findLocked(em, ORDER_LOCK_SPACE, DeliveryEntity, 'orderId', orderIds);
    return new Map(rows.map((row) => [row.orderId, toDelivery(row)]));
  }

  /** Writes these deliveries, new or changed, in one statement (em.save would read each row first). */
  async saveMany(em: EntityManager, deliveries: Delivery[]): Promise<void> {
    await em.upsert(DeliveryEntity, deliveries.map((d) => d.snapshot), ['orderId']);
  }

  /** The row as it is, unlocked, for queries. */
  findByOrder(em: EntityManager, orderId: string): Promise<DeliveryEntity | null> {
    return em.findOneBy(DeliveryEntity, { orderId });
  }
}

function toDelivery({ deliveryId, orderId, customerId, status, address, phone }: DeliveryEntity): Delivery {
  return Delivery.restore({ deliveryId, orderId, customerId, status, address, phone });
}
