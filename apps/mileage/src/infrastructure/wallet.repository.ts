import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AggregateStore, findLocked, UnitOfWork } from '@homestore/persistence';
import { Keyset, Page, PagePosition } from '@homestore/platform';
import { EntryReason, EntryType, Wallet } from '../domain/wallet';
import { HistoryClock } from './history-clock';
import { WalletEntity } from './wallet.entity';

/** Advisory-lock namespace for one customer's wallet (first int of the two-int form). */
export const WALLET_LOCK_SPACE = 0x5a1;

/** A line of the history as GET /mileage shows it. */
export interface HistoryLine {
  type: EntryType;
  reason: EntryReason;
  points: number;
  orderId: string | null;
  occurredAt: string;
}

/** A customer's balance (0 before the wallet opens) and a page of their history. */
export interface WalletPage extends Page<HistoryLine> {
  balance: number;
}

/** A customer's history, newest first (index wallet_history_page_idx). */
const PAGES = new Keyset('h.occurred_at', 'h.id');

interface PageRow {
  balance: string | null;
  type: EntryType | null;
  reason: EntryReason;
  points: string;
  order_id: string | null;
  occurred_at: Date;
  page_at: string;
  page_id: string;
}

/**
 * Wallets in PostgreSQL, keyed by customerId: the balance in `wallets`, and every change of it appended to
 * `wallet_history` with the wallet (one transaction).
 *
 * The wallet's lock is mileage's one real lock: every handler takes its customer's wallet before anything else
 * (before the order's row), so whoever holds an order's row holds its customer's wallet, and two transactions only
 * ever wait on wallets, which each takes in one statement in one sorted order: they wait, never deadlock.
 */
@Injectable()
export class WalletRepository implements AggregateStore<Wallet> {
  private readonly clock = new HistoryClock();

  /** The customer's wallet, locked until the unit of work's transaction ends; undefined before it opens. */
  load(work: UnitOfWork, customerId: string): Promise<Wallet | undefined> {
    return work.load(this, customerId);
  }

  /** Writes the wallet and the history lines it made when the unit of work commits. */
  save(work: UnitOfWork, wallet: Wallet): void {
    work.save(this, wallet.customerId, wallet);
  }

  /**
   * Locks the customers (advisory locks, sorted; a customer without a wallet yet is locked too, so two first events
   * never both open one), then reads their wallets: two statements for any number of customers.
   */
  async loadMany(em: EntityManager, customerIds: string[]): Promise<Map<string, Wallet>> {
    const rows = await findLocked(em, WALLET_LOCK_SPACE, WalletEntity, 'customerId', customerIds);
    return new Map(rows.map(({ customerId, balance }) => [customerId, Wallet.restore({ customerId, balance })]));
  }

  /** Writes the balances (one statement), then appends every new history line, each wallet's in the order made (one statement). */
  async saveMany(em: EntityManager, wallets: Wallet[]): Promise<void> {
    await em.upsert(WalletEntity, wallets.map((w) => w.snapshot), ['customerId']);
    const lines = wallets.flatMap((w) => w.newEntries.map((entry) => ({ ...entry, customerId: w.customerId, ...this.clock.next() })));
    if (!lines.length) return;
    const column = <K extends keyof (typeof lines)[number]>(key: K) => lines.map((line) => line[key]);
    await em.query(
      `INSERT INTO wallet_history (id, customer_id, type, reason, points, order_id, balance, occurred_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::uuid[], $7::bigint[], $8::timestamptz[])`,
      [column('id'), column('customerId'), column('type'), column('reason'), column('points'), column('orderId'), column('balance'), column('at')],
    );
  }

  /**
   * The customer's balance and a page of their history after `after`, newest first, in one statement (one snapshot:
   * the balance is the one the newest line led to).
   */
  async page(em: EntityManager, customerId: string, { limit, after }: { limit: number; after?: PagePosition }): Promise<WalletPage> {
    const params: unknown[] = [customerId, limit + 1];
    const where = ['h.customer_id = c.customer_id'];
    if (after) where.push(PAGES.after(after, params));
    const rows: PageRow[] = await em.query(
      `SELECT w.balance, h.type, h.reason, h.points, h.order_id, h.occurred_at, h.page_at, h.page_id
       FROM (SELECT $1::uuid AS customer_id) c
       LEFT JOIN wallets w ON w.customer_id = c.customer_id
       LEFT JOIN LATERAL (
         SELECT h.type, h.reason, h.points, h.order_id, h.occurred_at, h.id, ${PAGES.select} FROM wallet_history h
         WHERE ${where.join(' AND ')} ORDER BY ${PAGES.orderBy} LIMIT $2
       ) h ON true
       ORDER BY h.occurred_at DESC, h.id DESC`,
      params,
    );
    const lines = rows.filter((r) => r.type !== null);
    const page = PAGES.page(lines, limit);
    return {
      balance: Number(rows[0]?.balance ?? 0),
      rows: page.rows.map((r) => ({ type: r.type!, reason: r.reason, points: Number(r.points), orderId: r.order_id, occurredAt: r.occurred_at.toISOString() })),
      next: page.next,
    };
  }
}
