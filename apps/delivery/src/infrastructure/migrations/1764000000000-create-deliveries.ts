import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Deliveries: one row per order (the primary key), including tombstones of orders canceled before acceptance. */
export class CreateDeliveries1764000000000 implements MigrationInterface {
  name = 'CreateDeliveries1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deliveries (
        order_id    uuid PRIMARY KEY,
        delivery_id uuid NOT NULL UNIQUE,
        customer_id uuid NOT NULL,
        status      text NOT NULL CHECK (status IN ('STARTED', 'CANCELED', 'COMPLETED', 'VOIDED')),
        address     text,
        phone       text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE deliveries`);
  }
}
