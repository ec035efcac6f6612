import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AggregateStore, findLocked, UnitOfWork } from '@homestore/persistence';
import { Keyset, Page, PagePosition } from '@homestore/platform';
import type { StoreOrderState, StoreOrderStatus } from '../domain/store-order';
import { StoreOrderEntity } from './store-order.entity';

/** Advisory-lock namespace for store orders, by orderId (the outbox uses its own). */
const ORDER_LOCK_SPACE = 0x5701;

/** The store's orders, newest first (indexes store_orders_page_idx, store_orders_status_page_idx). */
const PAGES = new Keyset('created_at', 'id');

const toState = ({ id, orderId, customerId, status, items, deliveryAddress, deliveryPhone, stockReserved }: StoreOrderEntity): StoreOrderState => ({
  id,
  orderId,
  customerId,
  status,
  items,
  deliveryAddress,
  deliveryPhone,
  stockReserved,
});

/** The store's orders in PostgreSQL, one per orderId, cancel tombstones included. */
@Injectable()
export class StoreOrderRepository implements AggregateStore<StoreOrderState> {
  /** The store order of `orderId`, locked until the unit of work's transaction ends; undefined when never heard of. */
  load(work: UnitOfWork, orderId: string): Promise<StoreOrderState | undefined> {
    return work.load(this, orderId);
  }

  /** Writes the store order (new, changed, or a tombstone) when the unit of work commits. */
  save(work: UnitOfWork, order: StoreOrderState): void {
    work.save(this, order.orderId, order);
  }

  /**
   * Takes the advisory locks of these orderIds, then reads their store orders (two statements). A lock, unlike a row
   * lock, holds for an order the store has not heard of yet: a PaymentApproved and an OrderCanceled of one order,
   * from different topics, are decided one after the other whichever comes first.
   */
  async loadMany(em: EntityManager, orderIds: string[]): Promise<Map<string, StoreOrderState>> {
    const rows = await findLocked(em, ORDER_LOCK_SPACE, StoreOrderEntity, 'orderId', orderIds);
    return new Map(rows.map((r) => [r.orderId, toState(r)]));
  }

  /** Inserts the new store orders and updates the others, in one statement. */
  async saveMany(em: EntityManager, orders: StoreOrderState[]): Promise<void> {
    const records = orders.map((o) => ({
      id: o.id,
      order_id: o.orderId,
      customer_id: o.customerId,
      status: o.status,
      items: o.items,
      delivery_address: o.deliveryAddress,
      delivery_phone: o.deliveryPhone,
      stock_reserved: o.stockReserved,
    }));
    await em.query(
      `INSERT INTO store_orders (id, order_id, customer_id, status, items, delivery_address, delivery_phone, stock_reserved)
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS r(id uuid, order_id uuid, customer_id uuid, status text, items jsonb, delivery_address text, delivery_phone text, stock_reserved boolean)
       ON CONFLICT (id) DO UPDATE
         SET status = EXCLUDED.status, items = EXCLUDED.items, delivery_address = EXCLUDED.delivery_address,
             delivery_phone = EXCLUDED.delivery_phone, stock_reserved = EXCLUDED.stock_reserved, updated_at = now()`,
      [JSON.stringify(records)],
    );
  }

  /** A page of the store orders (of one status when given), newest first, after `after` (the last of the page before). */
  async page(
    em: EntityManager,
    { status, limit, after }: { status?: StoreOrderStatus; limit: number; after?: PagePosition },
  ): Promise<Page<StoreOrderEntity>> {
    const params: unknown[] = [limit + 1];
    const where = ['TRUE'];
    if (status) where.push(`status = $${params.push(status)}`);
    if (after) where.push(PAGES.after(after, params));
    const rows: (StoreOrderEntity & { page_at: string; page_id: string })[] = await em.query(
      `SELECT id, order_id AS "orderId", customer_id AS "customerId", status, items, delivery_address AS "deliveryAddress",
              delivery_phone AS "deliveryPhone", stock_reserved AS "stockReserved", created_at AS "createdAt", updated_at AS "updatedAt", ${PAGES.select}
       FROM store_orders WHERE ${where.join(' AND ')} ORDER BY ${PAGES.orderBy} LIMIT $1`,
      params,
    );
    return PAGES.page(rows, limit);
  }
}
