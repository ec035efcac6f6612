import type { MigrationInterface, QueryRunner } from 'typeorm';

/** GET /orders pages through a customer's orders by (created_at, id), newest first: one index serves it. */
export class OrderPages1765000000000 implements MigrationInterface {
  name = 'OrderPages1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX orders_customer_page_idx ON orders (customer_id, created_at DESC, id DESC)`);
    await q.query(`DROP INDEX orders_customer_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX orders_customer_idx ON orders (customer_id, created_at DESC)`);
    await q.query(`DROP INDEX orders_customer_page_idx`);
  }
}
