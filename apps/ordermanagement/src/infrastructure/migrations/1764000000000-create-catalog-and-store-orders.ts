import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The catalog with its stock, and the store's orders. The checks back the domain rules in the database too. */
export class CreateCatalogAndStoreOrders1764000000000 implements MigrationInterface {
  name = 'CreateCatalogAndStoreOrders1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE products (
        id         uuid PRIMARY KEY,
        name       text NOT NULL,
        category   text NOT NULL,
        price      integer NOT NULL CHECK (price >= 0),
        sale_price integer CHECK (sale_price >= 0 AND sale_price < price),
        stock      integer NOT NULL CHECK (stock >= 0),
        revision   integer NOT NULL CHECK (revision >= 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX products_category ON products (category)`);
    await q.query(`
      CREATE TABLE store_orders (
        id               uuid PRIMARY KEY,
        order_id         uuid NOT NULL UNIQUE,
        customer_id      uuid NOT NULL,
        status           text NOT NULL CHECK (status IN ('RECEIVED', 'ACCEPTED', 'CANCELED', 'OUT_OF_STOCK')),
        items            jsonb NOT NULL,
        delivery_address text,
        delivery_phone   text,
        stock_reserved   boolean NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX store_orders_status_created ON store_orders (status, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE store_orders`);
    await q.query(`DROP TABLE products`);
  }
}
