import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@homestore/events';
import { MyPageHistoryEntry, MyPageOrder, orderIdOf, project } from './mypage-projection';

/** Advisory-lock namespace for myPage rows: events of one order from different topics apply one at a time. */
const MYPAGE_LOCK_SPACE = 0x6d70;

interface RowRecord {
  order_id: string;
  customer_id: string | null;
  items: MyPageOrder['items'];
  total_amount: string | null;
  payment: MyPageOrder['payment'];
  store: MyPageOrder['store'];
  delivery: MyPageOrder['delivery'];
  cancel_requested: boolean;
  status: MyPageOrder['status'];
  updated_at: Date;
}

interface HistoryRecord {
  order_id: string;
  event_id: string;
  event_type: string;
  occurred_at: Date;
}

const toRow = (r: RowRecord, history: MyPageHistoryEntry[]): MyPageOrder => ({
  orderId: r.order_id,
  customerId: r.customer_id,
  items: r.items,
  totalAmount: r.total_amount === null ? null : Number(r.total_amount),
  payment: r.payment,
  store: r.store,
  delivery: r.delivery,
  cancelRequested: r.cancel_requested,
  status: r.status,
  updatedAt: r.updated_at.toISOString(),
  history,
});

const toEntry = (h: HistoryRecord): MyPageHistoryEntry => ({ eventId: h.event_id, eventType: h.event_type, occurredAt: h.occurred_at.toISOString() });

/** myPage rows (mypage_orders) and their history (mypage_history) in PostgreSQL. */
@Injectable()
export class MyPageStore {
  /** Applies one event through the projection, in the caller's transaction. */
  async apply(em: EntityManager, event: EventEnvelope<unknown>): Promise<void> {
    const orderId = orderIdOf(event);
    await em.query(`SELECT pg_advisory_xact_lock(${MYPAGE_LOCK_SPACE}, hashtext($1))`, [orderId]);
    const [current] = await this.find(em, [orderId]);
    const next = project(current, event);
    if (next === current) return;
    await em.query(
      `INSERT INTO mypage_orders (order_id, customer_id, items, total_amount, payment, store, delivery, cancel_requested, status, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (order_id) DO UPDATE SET customer_id = $2, items = $3, total_amount = $4, payment = $5, store = $6, delivery = $7,
         cancel_requested = $8, status = $9, updated_at = $10`,
      [next.orderId, next.customerId, next.items && JSON.stringify(next.items), next.totalAmount, next.payment, next.store, next.delivery,
        next.cancelRequested, next.status, next.updatedAt],
    );
    await em.query(
      `INSERT INTO mypage_history (order_id, event_id, event_type, occurred_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [orderId, event.eventId, event.eventType, new Date(event.occurredAt).toISOString()],
    );
  }

  /** The rows of these orders, with their history. */
  find(em: EntityManager, orderIds: string[]): Promise<MyPageOrder[]> {
    return this.select(em, `WHERE order_id = ANY($1::uuid[])`, [orderIds]);
  }

  /** A customer's rows, most recently changed first. */
  ofCustomer(em: EntityManager, customerId: string): Promise<MyPageOrder[]> {
    return this.select(em, `WHERE customer_id = $1`, [customerId]);
  }

  /** Empties the read model (for a rebuild). */
  async clear(em: EntityManager): Promise<void> {
    await em.query(`TRUNCATE mypage_history, mypage_orders`);
  }

  private async select(em: EntityManager, where: string, params: unknown[]): Promise<MyPageOrder[]> {
    const rows: RowRecord[] = await em.query(`SELECT * FROM mypage_orders ${where} ORDER BY updated_at DESC, order_id`, params);
    if (!rows.length) return [];
    const history: HistoryRecord[] = await em.query(
      `SELECT * FROM mypage_history WHERE order_id = ANY($1::uuid[]) ORDER BY occurred_at, event_id`,
      [rows.map((r) => r.order_id)],
    );
    const byOrder = new Map<string, MyPageHistoryEntry[]>();
    for (const h of history) byOrder.set(h.order_id, [...(byOrder.get(h.order_id) ?? []), toEntry(h)]);
    return rows.map((r) => toRow(r, byOrder.get(r.order_id) ?? []));
  }
}
