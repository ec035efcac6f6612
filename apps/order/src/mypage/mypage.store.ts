import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@homestore/events';
import { AggregateStore, lockKeys, UnitOfWork } from '@homestore/persistence';
import { Keyset, Page, PagePosition } from '@homestore/platform';
import { MyPageHistoryEntry, MyPageOrder, orderIdOf, project, projects } from './mypage-projection';

/** Advisory-lock namespace for myPage rows: events of one order from different topics apply one at a time. */
const MYPAGE_LOCK_SPACE = 0x6d70;

/** A customer's rows, most recently changed first (index mypage_orders_customer_page_idx). */
const PAGES = new Keyset('updated_at', 'order_id');

interface RowRecord {
  order_id: string;
  customer_id: string | null;
  items: MyPageOrder['items'];
  total_amount: string | null;
  points_used: string | null;
  points_earned: string;
  payment: MyPageOrder['payment'];
  store: MyPageOrder['store'];
  delivery: MyPageOrder['delivery'];
  points: MyPageOrder['points'];
  cancel_requested: boolean;
  status: MyPageOrder['status'];
  updated_at: Date;
  history: MyPageHistoryEntry[];
}

const toRow = (r: RowRecord): MyPageOrder => ({
  orderId: r.order_id,
  customerId: r.customer_id,
  items: r.items,
  totalAmount: r.total_amount === null ? null : Number(r.total_amount),
  pointsUsed: r.points_used === null ? null : Number(r.points_used),
  pointsEarned: Number(r.points_earned),
  payment: r.payment,
  store: r.store,
  delivery: r.delivery,
  points: r.points,
  cancelRequested: r.cancel_requested,
  status: r.status,
  updatedAt: r.updated_at.toISOString(),
  history: r.history,
});

type Numbers = 'total_amount' | 'points_used' | 'points_earned' | 'updated_at';
const toRecord = (o: MyPageOrder): Omit<RowRecord, Numbers> & { total_amount: number | null; points_used: number | null; points_earned: number; updated_at: string } => ({
  order_id: o.orderId,
  customer_id: o.customerId,
  items: o.items,
  total_amount: o.totalAmount,
  points_used: o.pointsUsed,
  points_earned: o.pointsEarned,
  payment: o.payment,
  store: o.store,
  delivery: o.delivery,
  points: o.points,
  cancel_requested: o.cancelRequested,
  status: o.status,
  updated_at: o.updatedAt,
  history: o.history,
});

/** myPage rows (mypage_orders), each with its history (a jsonb column, in the API's shape), in PostgreSQL. */
@Injectable()
export class MyPageStore implements AggregateStore<MyPageOrder> {
  /**
   * Applies one event to its order's row through the projection, in the unit of work. An event the row's history
   * already holds (a redelivery, a topic read twice by the rebuild) changes nothing; one that names no order (the
   * welcome points) is not myPage's and is skipped.
   */
  async apply(work: UnitOfWork, event: EventEnvelope<unknown>): Promise<void> {
    if (!projects(event)) return;
    const orderId = orderIdOf(event);
    const before = await work.load(this, orderId);
    const next = project(before, event);
    if (next !== before) work.save(this, orderId, next);
  }

  /**
   * The rows of these orders, each order's lock taken first (events of one order from different topics apply one at
   * a time), then read (a statement of its own, so it sees what the transaction that held a lock committed).
   */
  async loadMany(em: EntityManager, orderIds: string[]): Promise<Map<string, MyPageOrder>> {
    const locked = await lockKeys(em, MYPAGE_LOCK_SPACE, orderIds);
    const found: RowRecord[] = await em.query(`SELECT * FROM mypage_orders WHERE order_id = ANY($1::uuid[])`, [locked]);
    return new Map(found.map((r) => [r.order_id, toRow(r)]));
  }

  /** Writes these rows, new or changed, in one statement. */
  async saveMany(em: EntityManager, rows: MyPageOrder[]): Promise<void> {
    await em.query(
      `INSERT INTO mypage_orders (order_id, customer_id, items, total_amount, points_used, points_earned, payment, store, delivery, points,
         cancel_requested, status, updated_at, history)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(order_id uuid, customer_id uuid, items jsonb, total_amount bigint, points_used bigint,
         points_earned bigint, payment text, store text, delivery text, points text, cancel_requested boolean, status text, updated_at timestamptz,
         history jsonb)
       ON CONFLICT (order_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, items = EXCLUDED.items, total_amount = EXCLUDED.total_amount,
         points_used = EXCLUDED.points_used, points_earned = EXCLUDED.points_earned, payment = EXCLUDED.payment, store = EXCLUDED.store,
         delivery = EXCLUDED.delivery, points = EXCLUDED.points, cancel_requested = EXCLUDED.cancel_requested, status = EXCLUDED.status,
         updated_at = EXCLUDED.updated_at, history = EXCLUDED.history`,
      [JSON.stringify(rows.map(toRecord))],
    );
  }

  /** The rows of these orders, with their history. */
  async find(em: EntityManager, orderIds: string[]): Promise<MyPageOrder[]> {
    const rows: RowRecord[] = await em.query(`SELECT * FROM mypage_orders WHERE order_id = ANY($1::uuid[]) ORDER BY ${PAGES.orderBy}`, [orderIds]);
    return rows.map(toRow);
  }

  /**
   * One page of a customer's rows, most recently changed first, starting after `after` (the last row of the page
   * before), of one status only when `status` is given.
   */
  async pageOfCustomer(
    em: EntityManager,
    customerId: string,
    { limit, after, status }: { limit: number; after?: PagePosition; status?: MyPageOrder['status'] },
  ): Promise<Page<MyPageOrder>> {
    const params: unknown[] = [customerId, limit + 1];
    const where = ['customer_id = $1'];
    if (after) where.push(PAGES.after(after, params));
    if (status) where.push(`status = $${params.push(status)}`);
    const rows: (RowRecord & { page_at: string; page_id: string })[] = await em.query(
      `SELECT *, ${PAGES.select} FROM mypage_orders WHERE ${where.join(' AND ')} ORDER BY ${PAGES.orderBy} LIMIT $2`,
      params,
    );
    const page = PAGES.page(rows, limit);
    return { rows: page.rows.map(toRow), next: page.next };
  }

  /** Empties the read model (for a rebuild). */
  async clear(em: EntityManager): Promise<void> {
    await em.query(`TRUNCATE mypage_orders`);
  }
}
