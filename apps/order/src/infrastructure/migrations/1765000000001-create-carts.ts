import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Carts: one row per customer holding its lines (product, quantity and last known name, no prices: a cart is priced
 * from the product replica whenever it is shown or checked out). Written under the customer's advisory lock.
 */
export class CreateCarts1765000000001 implements MigrationInterface {
  name = 'CreateCarts1765000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE carts (
        customer_id uuid PRIMARY KEY,
        items       jsonb NOT NULL,
        updated_at  timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE carts`);
  }
}
