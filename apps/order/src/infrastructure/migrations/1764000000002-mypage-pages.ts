import type { MigrationInterface, QueryRunner } from 'typeorm';

/** GET /mypage pages through a customer's orders by (updated_at, order_id), newest first: one index serves it. */
export class MyPagePages1764000000002 implements MigrationInterface {
  name = 'MyPagePages1764000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX mypage_orders_customer_page_idx ON mypage_orders (customer_id, updated_at DESC, order_id DESC)`);
    await q.query(`DROP INDEX mypage_orders_customer_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX mypage_orders_customer_idx ON mypage_orders (customer_id, updated_at DESC)`);
    await q.query(`DROP INDEX mypage_orders_customer_page_idx`);
  }
}
