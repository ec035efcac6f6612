import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AggregateStore, findLocked, UnitOfWork } from '@homestore/persistence';
import { OrderPoints } from '../domain/order-points';
import { OrderPointsEntity } from './order-points.entity';

/** Advisory-lock namespace for one order's points (first int of the two-int form). */
const ORDER_LOCK_SPACE = 0x5a2;

/**
 * Each order's points in PostgreSQL, one row per order, keyed by orderId. Load it only once its customer's wallet
 * is loaded (WalletRepository): the wallet's lock is what keeps two transactions from deadlocking.
 */
@Injectable()
export class OrderPointsRepository implements AggregateStore<OrderPoints> {
  /** The order's points, locked until the unit of work's transaction ends; undefined for an order mileage never heard of. */
  load(work: UnitOfWork, orderId: string): Promise<OrderPoints | undefined> {
    return work.load(this, orderId);
  }

  /** Writes the order's points, new or changed, when the unit of work commits. */
  save(work: UnitOfWork, points: OrderPoints): void {
    work.save(this, points.snapshot.orderId, points);
  }

  /** Locks the orders (advisory locks, sorted; also those without a row yet), then reads their rows: two statements. */
  async loadMany(em: EntityManager, orderIds: string[]): Promise<Map<string, OrderPoints>> {
    const rows = await findLocked(em, ORDER_LOCK_SPACE, OrderPointsEntity, 'orderId', orderIds);
    return new Map(
      rows.map(({ orderId, customerId, pointsUsed, reservation, ended, amountCharged, delivered, pointsEarned }) => [
        orderId,
        OrderPoints.restore({ orderId, customerId, pointsUsed, reservation, ended, amountCharged, delivered, pointsEarned }),
      ]),
    );
  }

  /** Writes these orders' points as they are now, in one statement (em.save would read the rows first). */
  async saveMany(em: EntityManager, orders: OrderPoints[]): Promise<void> {
    await em.upsert(OrderPointsEntity, orders.map((o) => o.snapshot), ['orderId']);
  }
}
