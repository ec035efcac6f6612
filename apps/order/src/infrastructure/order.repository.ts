import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Outbox, PendingEvent } from '@homestore/messaging';
import { AggregateStore, UnitOfWork } from '@homestore/persistence';
import { Keyset, Page, PagePosition } from '@homestore/platform';
import { Order, OrderLine, OrderState, OrderStatus, StatusReason } from '../domain/order';

/** An order as the customer sees it. */
export interface OrderView {
  id: string;
  customerId: string;
  status: OrderStatus;
  statusReason: StatusReason;
  items: OrderLine[];
  totalAmount: number;
  pointsUsed: number;
  /** totalAmount − pointsUsed: what the card is charged. */
  amountDue: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface DeliveryDetails {
  deliveryAddress: string;
  deliveryPhone: string;
}

/** A row of `orders`. */
interface OrderRow {
  id: string;
  customer_id: string;
  items: OrderLine[];
  total_amount: string;
  points_used: string;
  delivery_address: string;
  delivery_phone: string;
  payment: OrderState['payment'];
  store: OrderState['store'];
  delivery: OrderState['delivery'];
  points: OrderState['points'];
  cancel_requested: boolean;
  cancel_reason: OrderState['cancelReason'];
  status: OrderStatus;
  status_reason: StatusReason;
  created_at: Date;
  updated_at: Date;
}

const toState = (r: OrderRow): OrderState => ({
  id: r.id,
  customerId: r.customer_id,
  items: r.items,
  totalAmount: Number(r.total_amount),
  pointsUsed: Number(r.points_used),
  payment: r.payment,
  store: r.store,
  delivery: r.delivery,
  points: r.points,
  cancelRequested: r.cancel_requested,
  cancelReason: r.cancel_reason,
});

const toView = (r: OrderRow): OrderView => ({
  id: r.id,
  customerId: r.customer_id,
  status: r.status,
  statusReason: r.status_reason,
  items: r.items,
  totalAmount: Number(r.total_amount),
  pointsUsed: Number(r.points_used),
  amountDue: Number(r.total_amount) - Number(r.points_used),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A customer's orders, newest first (index orders_customer_page_idx). */
const PAGES = new Keyset('created_at', 'id');

/**
 * Orders in PostgreSQL: the aggregate's facts, and the status derived from them by the aggregate at every save
 * (stored only so queries can read it).
 */
@Injectable()
export class OrderRepository implements AggregateStore<Order> {
  constructor(private readonly outbox: Outbox) {}

  /** The order, locked until the unit of work's transaction ends (so concurrent events apply one after another). */
  load(work: UnitOfWork, id: string): Promise<Order | undefined> {
    return work.load(this, id);
  }

  /** Writes the order's facts and the status it derives from them when the unit of work commits. */
  save(work: UnitOfWork, order: Order): void {
    work.save(this, order.snapshot.id, order);
  }

  /**
   * Inserts a new order and stages its events in the same statement (Outbox.addWith: one implicit transaction, one
   * round trip); null, with nothing staged, when this customer already used the idempotency key (that order wins).
   */
  async insert(em: EntityManager, order: Order, details: DeliveryDetails, events: PendingEvent[], idempotencyKey?: string): Promise<OrderView | null> {
    const s = order.snapshot;
    const rows = await this.outbox.addWith<OrderRow>(em, {
      sql: `INSERT INTO orders (id, customer_id, items, total_amount, points_used, delivery_address, delivery_phone, payment, store, delivery,
                           points, cancel_requested, status, status_reason, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (customer_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING *`,
      params: [s.id, s.customerId, JSON.stringify(s.items), s.totalAmount, s.pointsUsed, details.deliveryAddress, details.deliveryPhone, s.payment,
        s.store, s.delivery, s.points, s.cancelRequested, order.status, order.statusReason, idempotencyKey ?? null],
    }, events);
    return rows.length ? toView(rows[0]) : null;
  }

  async findByIdempotencyKey(em: EntityManager, customerId: string, key: string): Promise<OrderView | null> {
    const rows: OrderRow[] = await em.query(`SELECT * FROM orders WHERE customer_id = $1 AND idempotency_key = $2`, [customerId, key]);
    return rows.length ? toView(rows[0]) : null;
  }

  /** Loads these orders and locks their rows, in id order (so two transactions locking some of the same wait, never deadlock). */
  async loadMany(em: EntityManager, ids: string[]): Promise<Map<string, Order>> {
    const rows: OrderRow[] = await em.query(`SELECT * FROM orders WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
    return new Map(rows.map((r) => [r.id, Order.restore(toState(r))]));
  }

  /** Saves each order's facts and derived status, in one statement. */
  async saveMany(em: EntityManager, orders: Order[]): Promise<void> {
    const records = orders.map((order) => {
      const { id, payment, store, delivery, points, cancelRequested, cancelReason } = order.snapshot;
      return { id, payment, store, delivery, points, cancel_requested: cancelRequested, cancel_reason: cancelReason ?? null, status: order.status, status_reason: order.statusReason };
    });
    await em.query(
      `UPDATE orders o SET payment = r.payment, store = r.store, delivery = r.delivery, points = r.points, cancel_requested = r.cancel_requested,
         cancel_reason = r.cancel_reason, status = r.status, status_reason = r.status_reason, updated_at = now(),
         status_since = CASE WHEN o.status = r.status THEN o.status_since ELSE now() END
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, payment text, store text, delivery text, points text, cancel_requested boolean,
         cancel_reason text, status text, status_reason text)
       WHERE o.id = r.id AND o.id = ANY($2::uuid[])`,
      // The ids again as an array: PostgreSQL guesses 100 rows for jsonb_to_recordset and would scan the whole
      // table for the join; with them it reads these orders by their key.
      [JSON.stringify(records), records.map((r) => r.id)],
    );
  }

  async findOwn(em: EntityManager, customerId: string, id: string): Promise<OrderView | null> {
    const rows: OrderRow[] = await em.query(`SELECT * FROM orders WHERE id = $1 AND customer_id = $2`, [id, customerId]);
    return rows.length ? toView(rows[0]) : null;
  }

  /** A page of the customer's orders, newest first, after `after` (the last order of the page before). */
  async pageOwn(em: EntityManager, customerId: string, { limit, after }: { limit: number; after?: PagePosition }): Promise<Page<OrderView>> {
    const params: unknown[] = [customerId, limit + 1];
    const where = ['customer_id = $1'];
    if (after) where.push(PAGES.after(after, params));
    const rows: (OrderRow & { page_at: string; page_id: string })[] = await em.query(
      `SELECT *, ${PAGES.select} FROM orders WHERE ${where.join(' AND ')} ORDER BY ${PAGES.orderBy} LIMIT $2`,
      params,
    );
    const page = PAGES.page(rows, limit);
    return { rows: page.rows.map(toView), next: page.next };
  }
}
