import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Payments: one row per order (the primary key), so an order is charged at most once. */
export class CreatePayments1764000000000 implements MigrationInterface {
  name = 'CreatePayments1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payments (
        order_id    uuid PRIMARY KEY,
        payment_id  uuid NOT NULL UNIQUE,
        customer_id uuid NOT NULL,
        amount      bigint NOT NULL CHECK (amount >= 0),
        card_token  text NOT NULL,
        status      text NOT NULL CHECK (status IN ('APPROVED', 'FAILED', 'REFUNDED', 'REFUND_FAILED', 'VOIDED')),
        reason      text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE payments`);
  }
}
