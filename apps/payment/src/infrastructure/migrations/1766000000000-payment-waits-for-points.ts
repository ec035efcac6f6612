import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A charge may wait for the points its order spends: the payment keeps the order's lines and delivery meanwhile
 * (PaymentApproved carries them on), and three more statuses are stored. UNSEEN, CHARGING and REFUNDING are left out
 * on purpose: they last only inside one transaction (before the first fact, while the processor is awaited) and must
 * never be written.
 */
export class PaymentWaitsForPoints1766000000000 implements MigrationInterface {
  name = 'PaymentWaitsForPoints1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payments ADD COLUMN order_details jsonb`);
    await q.query(`ALTER TABLE payments DROP CONSTRAINT payments_status_check`);
    await q.query(`
      ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN (
        'AWAITING_POINTS', 'POINTS_RESERVED', 'POINTS_UNAVAILABLE', 'APPROVED', 'FAILED', 'REFUNDED', 'REFUND_FAILED', 'VOIDED'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Before points, a payment never charged and never to be was VOIDED.
    await q.query(`UPDATE payments SET status = 'VOIDED' WHERE status IN ('AWAITING_POINTS', 'POINTS_RESERVED', 'POINTS_UNAVAILABLE')`);
    await q.query(`ALTER TABLE payments DROP CONSTRAINT payments_status_check`);
    await q.query(`ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN ('APPROVED', 'FAILED', 'REFUNDED', 'REFUND_FAILED', 'VOIDED'))`);
    await q.query(`ALTER TABLE payments DROP COLUMN order_details`);
  }
}
