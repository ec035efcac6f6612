import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The points an order spends (0 for every order placed before points existed) and what mileage did with them. */
export class OrderPoints1766000000000 implements MigrationInterface {
  name = 'OrderPoints1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE orders
        ADD COLUMN points_used bigint NOT NULL DEFAULT 0 CHECK (points_used >= 0 AND points_used <= total_amount),
        ADD COLUMN points      text NOT NULL DEFAULT 'NONE'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP COLUMN points, DROP COLUMN points_used`);
  }
}
