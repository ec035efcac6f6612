import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The contact replica and the notifications (one per event). */
export class CreateNotifications1764000000000 implements MigrationInterface {
  name = 'CreateNotifications1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contacts (
        user_id uuid PRIMARY KEY,
        email   text NOT NULL,
        name    text NOT NULL,
        phone   text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE notifications (
        id          uuid PRIMARY KEY,
        event_id    uuid NOT NULL UNIQUE,
        customer_id uuid NOT NULL,
        type        text NOT NULL,
        order_id    uuid,
        text        text NOT NULL,
        created_at  timestamptz NOT NULL,
        sent_at     timestamptz
      )`);
    await q.query(`CREATE INDEX notifications_by_customer ON notifications (customer_id, created_at DESC)`);
    await q.query(`CREATE INDEX notifications_unsent ON notifications (customer_id) WHERE sent_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifications`);
    await q.query(`DROP TABLE contacts`);
  }
}
