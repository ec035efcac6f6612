import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GET /store/orders pages through the store's orders by (created_at, id), newest first, all of them or those of one
 * status: an index serves each.
 */
export class StoreOrderPages1765000000000 implements MigrationInterface {
  name = 'StoreOrderPages1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX store_orders_page_idx ON store_orders (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX store_orders_status_page_idx ON store_orders (status, created_at DESC, id DESC)`);
    await q.query(`DROP INDEX store_orders_status_created`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX store_orders_status_created ON store_orders (status, created_at DESC)`);
    await q.query(`DROP INDEX store_orders_status_page_idx`);
    await q.query(`DROP INDEX store_orders_page_idx`);
  }
}
