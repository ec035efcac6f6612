import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The myPage read model: kept only from events (consumer group order-mypage), so it may hold an order before its
 * OrderPlaced arrived — customer, items and total are filled in when it does.
 */
export class CreateMyPage1764000000001 implements MigrationInterface {
  name = 'CreateMyPage1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mypage_orders (
        order_id         uuid PRIMARY KEY,
        customer_id      uuid,
        items            jsonb,
        total_amount     bigint,
        payment          text NOT NULL,
        store            text NOT NULL,
        delivery         text NOT NULL,
        cancel_requested boolean NOT NULL,
        status           text NOT NULL,
        updated_at       timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX mypage_orders_customer_idx ON mypage_orders (customer_id, updated_at DESC)`);
    await q.query(`
      CREATE TABLE mypage_history (
        order_id    uuid NOT NULL,
        event_id    uuid NOT NULL,
        event_type  text NOT NULL,
        occurred_at timestamptz NOT NULL,
        PRIMARY KEY (order_id, event_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE mypage_history`);
    await q.query(`DROP TABLE mypage_orders`);
  }
}
