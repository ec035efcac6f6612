import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AggregateStore, lockKeys, UnitOfWork } from '@homestore/persistence';
import { Cart, CartLine } from '../domain/cart';

/** Advisory-lock namespace for one customer's cart (first int of the two-int form). */
const CART_LOCK_SPACE = 0xca27;

/** A row of `carts`. */
interface CartRow {
  customer_id: string;
  items: CartLine[];
  updated_at: Date | null;
}

const toCart = (r: CartRow): Cart => Cart.restore({ customerId: r.customer_id, lines: r.items, updatedAt: r.updated_at });

/**
 * Carts in PostgreSQL, one row per customer, each guarded by an advisory lock of its own (a customer may have no row
 * yet): edits of one cart apply one after the other, each on the lines the one before left, so none is lost.
 */
@Injectable()
export class CartRepository implements AggregateStore<Cart> {
  /** The customer's cart, locked until the unit of work's transaction ends; an empty one if they never had one. */
  load(work: UnitOfWork, customerId: string): Promise<Cart> {
    // loadMany answers every key.
    return work.load(this, customerId) as Promise<Cart>;
  }

  /** Writes the cart when the unit of work commits. */
  save(work: UnitOfWork, cart: Cart): void {
    work.save(this, cart.snapshot.customerId, cart);
  }

  /** The customer's cart as last committed, without locking it (for reading only). */
  async find(em: EntityManager, customerId: string): Promise<Cart> {
    const rows: CartRow[] = await em.query(`SELECT * FROM carts WHERE customer_id = $1`, [customerId]);
    return rows.length ? toCart(rows[0]) : Cart.empty(customerId);
  }

  /**
   * These customers' locks (sorted, so two transactions never deadlock), then, in a statement of its own (so it sees
   * what the holder of a lock committed), their carts.
   */
  async loadMany(em: EntityManager, customerIds: string[]): Promise<Map<string, Cart>> {
    const locked = await lockKeys(em, CART_LOCK_SPACE, customerIds);
    const rows: CartRow[] = await em.query(`SELECT * FROM carts WHERE customer_id = ANY($1::uuid[])`, [locked]);
    const carts = new Map(rows.map((r) => [r.customer_id, toCart(r)]));
    // PostgreSQL answers a uuid in lower case, whatever case it was asked in.
    return new Map(locked.map((id) => [id, carts.get(id.toLowerCase()) ?? Cart.empty(id)]));
  }

  /** Writes these carts, new or changed, in one statement. */
  async saveMany(em: EntityManager, carts: Cart[]): Promise<void> {
    const rows = carts.map(({ snapshot: s }) => ({ customer_id: s.customerId, items: s.lines, updated_at: s.updatedAt }));
    await em.query(
      `INSERT INTO carts (customer_id, items, updated_at)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(customer_id uuid, items jsonb, updated_at timestamptz)
       ON CONFLICT (customer_id) DO UPDATE SET items = EXCLUDED.items, updated_at = EXCLUDED.updated_at`,
      [JSON.stringify(rows)],
    );
  }
}
