import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Why an order was canceled (`CUSTOMER`, or `PAYMENT_TIMEOUT` when its saga's deadline canceled it), since when it is
 * in its status, and an index for the saga deadlines' look-up of orders that have stayed in a non-terminal status.
 */
export class OrderCancelReason1764000000004 implements MigrationInterface {
  name = 'OrderCancelReason1764000000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders ADD COLUMN cancel_reason text`);
    await q.query(`UPDATE orders SET cancel_reason = 'CUSTOMER' WHERE cancel_requested`);
    await q.query(`ALTER TABLE orders ADD COLUMN status_since timestamptz`);
    await q.query(`UPDATE orders SET status_since = updated_at`);
    await q.query(`ALTER TABLE orders ALTER COLUMN status_since SET NOT NULL, ALTER COLUMN status_since SET DEFAULT now()`);
    await q.query(`CREATE INDEX orders_open_since ON orders (status_since) WHERE status NOT IN ('DELIVERED', 'REJECTED', 'CANCELED')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX orders_open_since`);
    await q.query(`ALTER TABLE orders DROP COLUMN status_since, DROP COLUMN cancel_reason`);
  }
}
