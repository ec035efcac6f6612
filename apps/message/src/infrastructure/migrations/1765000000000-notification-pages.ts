import type { MigrationInterface, QueryRunner } from 'typeorm';

/** GET /messages pages through a customer's notifications by (created_at, id), newest first: one index serves it. */
export class NotificationPages1765000000000 implements MigrationInterface {
  name = 'NotificationPages1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX notifications_customer_page_idx ON notifications (customer_id, created_at DESC, id DESC)`);
    await q.query(`DROP INDEX notifications_by_customer`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX notifications_by_customer ON notifications (customer_id, created_at DESC)`);
    await q.query(`DROP INDEX notifications_customer_page_idx`);
  }
}
