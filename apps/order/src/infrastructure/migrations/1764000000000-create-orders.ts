import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Orders (the saga's facts and the status derived from them) and the product replica they are priced from. */
export class CreateOrders1764000000000 implements MigrationInterface {
  name = 'CreateOrders1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orders (
        id               uuid PRIMARY KEY,
        customer_id      uuid NOT NULL,
        items            jsonb NOT NULL,
        total_amount     bigint NOT NULL,
        delivery_address text NOT NULL,
        delivery_phone   text NOT NULL,
        payment          text NOT NULL,
        store            text NOT NULL,
        delivery         text NOT NULL,
        cancel_requested boolean NOT NULL,
        status           text NOT NULL,
        status_reason    text,
        idempotency_key  text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX orders_customer_idx ON orders (customer_id, created_at DESC)`);
    // A retried POST with the same key finds this row instead of placing a second order, even concurrently.
    await q.query(`CREATE UNIQUE INDEX orders_idempotency_key ON orders (customer_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await q.query(`
      CREATE TABLE products (
        product_id uuid PRIMARY KEY,
        revision   int NOT NULL,
        name       text NOT NULL,
        price      bigint NOT NULL,
        sale_price bigint,
        on_sale    boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE products`);
    await q.query(`DROP TABLE orders`);
  }
}
