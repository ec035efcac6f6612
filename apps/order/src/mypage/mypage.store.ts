import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@homestore/events';
import { keysInLockOrder, lockKeysSql } from '@homestore/platform';
import { MyPageHistoryEntry, MyPageOrder, orderIdOf, project, projects } from './mypage-projection';

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

/** A row of mypage_history, as written. */
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

const toRecord = (o: MyPageOrder): Omit<RowRecord, 'total_amount' | 'updated_at'> & { total_amount: number | null; updated_at: string } => ({
  order_id: o.orderId,
  customer_id: o.customerId,
  items: o.items,
  total_amount: o.totalAmount,
  payment: o.payment,
  store: o.store,
  delivery: o.delivery,
  cancel_requested: o.cancelRequested,
  status: o.status,
  updated_at: o.updatedAt,
});

/** Where a page of myPage ends: the last row's sort key. */
export interface MyPagePosition {
  updatedAt: string;
  orderId: string;
}

/** myPage rows (mypage_orders) and their history (mypage_history) in PostgreSQL. */
@Injectable()
export class MyPageStore {
  /** Applies one event through the projection, in the caller's transaction. */
  apply(em: EntityManager, event: EventEnvelope<unknown>): Promise<void> {
    return this.applyAll(em, [event]);
  }

  /**
   * Applies events through the projection, in the caller's transaction and in the order given (each order's in the
   * order they happened to arrive), three statements however many events: their orders are locked and their history
   * entries written (one statement: the locks are taken before any row is written), which drops every event an
   * order's history already holds (a redelivery, a topic read twice by the rebuild), so the rows are read without
   * their history, after the locks; the new events are projected in memory and the rows written back.
   */
  async applyAll(em: EntityManager, events: EventEnvelope<unknown>[]): Promise<void> {
    const taken = events.filter(projects);
    if (!taken.length) return;
    const history: HistoryRecord[] = taken.map((e) => ({ order_id: orderIdOf(e), event_id: e.eventId, event_type: e.eventType, occurred_at: new Date(e.occurredAt) }));
    // Events of one order from different topics apply one at a time: the orders' locks come first.
    const written: { event_id: string }[] = await em.query(
      `INSERT INTO mypage_history (order_id, event_id, event_type, occurred_at)
       SELECT h.* FROM (${lockKeysSql('$1', '$2')}) AS locks,
         jsonb_to_recordset($3::jsonb) AS h(order_id uuid, event_id uuid, event_type text, occurred_at timestamptz)
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [MYPAGE_LOCK_SPACE, keysInLockOrder(taken.map(orderIdOf)), JSON.stringify(history)],
    );
    const fresh = new Set(written.map((h) => h.event_id.toLowerCase()));
    const news = taken.filter((e) => fresh.delete(e.eventId.toLowerCase()));
    if (!news.length) return;
    const orderIds = [...new Set(news.map(orderIdOf))];
    const found: RowRecord[] = await em.query(`SELECT * FROM mypage_orders WHERE order_id = ANY($1::uuid[])`, [orderIds]);
    // Without their history: the projection needs it only to drop events it holds, and those were dropped above.
    const rows = new Map(found.map((r) => [r.order_id, toRow(r, [])]));
    const changed = new Map<string, MyPageOrder>();
    for (const event of news) {
      const orderId = orderIdOf(event);
      const next = project(rows.get(orderId), event);
      rows.set(orderId, next);
      changed.set(orderId, next);
    }
    await em.query(
      `INSERT INTO mypage_orders (order_id, customer_id, items, total_amount, payment, store, delivery, cancel_requested, status, updated_at)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(order_id uuid, customer_id uuid, items jsonb, total_amount bigint, payment text,
         store text, delivery text, cancel_requested boolean, status text, updated_at timestamptz)
       ON CONFLICT (order_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, items = EXCLUDED.items, total_amount = EXCLUDED.total_amount,
         payment = EXCLUDED.payment, store = EXCLUDED.store, delivery = EXCLUDED.delivery, cancel_requested = EXCLUDED.cancel_requested,
         status = EXCLUDED.status, updated_at = EXCLUDED.updated_at`,
      [JSON.stringify([...changed.values()].map(toRecord))],
    );
  }

  /** The rows of these orders, with their history. */
  find(em: EntityManager, orderIds: string[]): Promise<MyPageOrder[]> {
    return this.select(em, `WHERE order_id = ANY($1::uuid[])`, [orderIds, null]);
  }

  /** One page of a customer's rows, most recently changed first, starting after `after` (the last row of the page before). */
  async pageOfCustomer(em: EntityManager, customerId: string, limit: number, after?: MyPagePosition): Promise<{ orders: MyPageOrder[]; next?: MyPagePosition }> {
    const rows = after
      ? await this.select(em, `WHERE customer_id = $1 AND (updated_at, order_id) < ($3::timestamptz, $4::uuid)`, [customerId, limit + 1, after.updatedAt, after.orderId])
      : await this.select(em, `WHERE customer_id = $1`, [customerId, limit + 1]);
    const orders = rows.slice(0, limit);
    const last = orders[orders.length - 1];
    return { orders, next: rows.length > limit ? { updatedAt: last.updatedAt, orderId: last.orderId } : undefined };
  }

  /** Empties the read model (for a rebuild). */
  async clear(em: EntityManager): Promise<void> {
    await em.query(`TRUNCATE mypage_history, mypage_orders`);
  }

  /** Rows in page order (newest change first), each with its history, in one statement; `params[1]` is the LIMIT (null: all). */
  private async select(em: EntityManager, where: string, params: unknown[]): Promise<MyPageOrder[]> {
    // The history comes in the API's shape (occurredAt as toISOString writes it): a page is passed on, not rebuilt.
    const rows: (RowRecord & { history: MyPageHistoryEntry[] | null })[] = await em.query(
      `SELECT o.*, h.history FROM mypage_orders o
       LEFT JOIN LATERAL (
         SELECT json_agg(json_build_object('eventId', event_id, 'eventType', event_type,
                                           'occurredAt', to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                         ORDER BY occurred_at, event_id) AS history
         FROM mypage_history WHERE order_id = o.order_id
       ) h ON true
       ${where} ORDER BY o.updated_at DESC, o.order_id DESC LIMIT $2`,
      params,
    );
    return rows.map((r) => toRow(r, r.history ?? []));
  }
}
