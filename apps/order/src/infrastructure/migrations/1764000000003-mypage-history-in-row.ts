import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * myPage keeps each order's history in its own row (jsonb, in the API's shape, oldest first): a page of orders is one
 * index range scan, where a history table cost an aggregate per row (5.7 ms for a page of 75 orders, the heaviest
 * statement of the shop under load).
 */
export class MyPageHistoryInRow1764000000003 implements MigrationInterface {
  name = 'MyPageHistoryInRow1764000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mypage_orders ADD COLUMN history jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`
      UPDATE mypage_orders o SET history = h.history
      FROM (
        SELECT order_id, jsonb_agg(jsonb_build_object('eventId', event_id, 'eventType', event_type,
                                   'occurredAt', to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                                   ORDER BY occurred_at, event_id) AS history
        FROM mypage_history GROUP BY order_id
      ) h
      WHERE h.order_id = o.order_id`);
    await q.query(`DROP TABLE mypage_history`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mypage_history (
        order_id    uuid NOT NULL,
        event_id    uuid NOT NULL,
        event_type  text NOT NULL,
        occurred_at timestamptz NOT NULL,
        PRIMARY KEY (order_id, event_id)
      )`);
    await q.query(`
      INSERT INTO mypage_history (order_id, event_id, event_type, occurred_at)
      SELECT o.order_id, (h->>'eventId')::uuid, h->>'eventType', (h->>'occurredAt')::timestamptz
      FROM mypage_orders o, jsonb_array_elements(o.history) h`);
    await q.query(`ALTER TABLE mypage_orders DROP COLUMN history`);
  }
}
