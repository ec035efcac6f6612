import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wallets (one per customer), their append-only history, and one row per order with the facts mileage heard of it.
 * The history's unique indexes hold what the aggregates decide, should a bug ever decide otherwise: one welcome per
 * wallet, and at most one line of each type per order (points used, given back, earned once).
 */
export class CreateWallets1766000000000 implements MigrationInterface {
  name = 'CreateWallets1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE wallets (
        customer_id uuid PRIMARY KEY,
        balance     bigint NOT NULL CHECK (balance >= 0),
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE wallet_history (
        id          uuid PRIMARY KEY,
        customer_id uuid NOT NULL REFERENCES wallets (customer_id),
        type        text NOT NULL,
        reason      text NOT NULL,
        points      bigint NOT NULL CHECK (points > 0),
        order_id    uuid,
        balance     bigint NOT NULL CHECK (balance >= 0),
        occurred_at timestamptz NOT NULL,
        CHECK ((type = 'EARNED' AND reason IN ('WELCOME', 'ORDER'))
            OR (type = 'USED' AND reason = 'ORDER')
            OR (type = 'RELEASED' AND reason IN ('ORDER_REJECTED', 'ORDER_CANCELED'))),
        CHECK ((reason = 'WELCOME') = (order_id IS NULL))
      )`);
    // GET /mileage: a customer's history, newest first by (occurred_at, id).
    await q.query(`CREATE INDEX wallet_history_page_idx ON wallet_history (customer_id, occurred_at DESC, id DESC)`);
    await q.query(`CREATE UNIQUE INDEX wallet_history_one_welcome ON wallet_history (customer_id) WHERE reason = 'WELCOME'`);
    await q.query(`CREATE UNIQUE INDEX wallet_history_once_per_order ON wallet_history (order_id, type) WHERE order_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE order_points (
        order_id       uuid PRIMARY KEY,
        customer_id    uuid NOT NULL,
        points_used    bigint CHECK (points_used >= 0),
        reservation    text NOT NULL CHECK (reservation IN ('NONE', 'RESERVED', 'REFUSED', 'RELEASED')),
        ended          text CHECK (ended IN ('REJECTED', 'CANCELED')),
        amount_charged bigint CHECK (amount_charged >= 0),
        delivered      boolean NOT NULL,
        points_earned  bigint CHECK (points_earned >= 0),
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE order_points`);
    await q.query(`DROP TABLE wallet_history`);
    await q.query(`DROP TABLE wallets`);
  }
}
