import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * myPage shows the points each order spent (null, like its total, until OrderPlaced arrives; 0 for orders placed
 * before points existed) and earned (0 until the delivery earned some), and keeps mileage's fact for the status.
 */
export class MyPagePoints1766000000001 implements MigrationInterface {
  name = 'MyPagePoints1766000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE mypage_orders
        ADD COLUMN points_used   bigint,
        ADD COLUMN points_earned bigint NOT NULL DEFAULT 0,
        ADD COLUMN points        text NOT NULL DEFAULT 'NONE'`);
    await q.query(`UPDATE mypage_orders SET points_used = 0 WHERE total_amount IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mypage_orders DROP COLUMN points, DROP COLUMN points_earned, DROP COLUMN points_used`);
  }
}
