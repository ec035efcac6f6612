import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ProductChanged } from '@homestore/events';
import { currentContext, MessageContext, Outbox } from '@homestore/messaging';
import type { AggregateStore, UnitOfWork } from '@homestore/persistence';
import { snapshotOf, type ProductState } from '../domain/product';

/** A product in a unit of work and, once saved, where and in which flow its ProductChanged is raised. */
export interface ProductInWork {
  product: ProductState;
  saved?: { work: UnitOfWork; context?: MessageContext };
}

/** A row of `products`. */
interface ProductRow {
  id: string;
  name: string;
  category: string;
  price: number;
  sale_price: number | null;
  stock: number;
  revision: number;
}

const toState = (r: ProductRow): ProductState => ({
  id: r.id,
  name: r.name,
  category: r.category,
  price: r.price,
  salePrice: r.sale_price,
  stock: r.stock,
  revision: r.revision,
});

const toRecord = (p: ProductState): ProductRow => ({
  id: p.id,
  name: p.name,
  category: p.category,
  price: p.price,
  sale_price: p.salePrice,
  stock: p.stock,
  revision: p.revision,
});

const RECORDSET = `jsonb_to_recordset($1::jsonb)
  AS r(id uuid, name text, category text, price integer, sale_price integer, stock integer, revision integer)`;

/**
 * The catalog's products in PostgreSQL. Every product saved in a unit of work is announced once (ProductChanged, its
 * full snapshot) as it is at commit: a run that moves its stock many times announces the final stock once, in the
 * flow (correlation, cause, trace) of the handler that saved it last.
 */
@Injectable()
export class ProductRepository implements AggregateStore<ProductInWork> {
  constructor(private readonly outbox: Outbox) {}

  /** The product, locked until the unit of work's transaction ends; the same instance all through the unit of work. */
  async load(work: UnitOfWork, productId: string): Promise<ProductState | undefined> {
    return (await work.load(this, productId))?.product;
  }

  /** The products of these ids that exist, by id, locked (read with those the rest of the run asks for now). */
  async loadAll(work: UnitOfWork, productIds: string[]): Promise<Map<string, ProductState>> {
    const products = await Promise.all([...new Set(productIds)].map((id) => this.load(work, id)));
    return new Map(products.flatMap((p) => (p ? [[p.id, p] as const] : [])));
  }

  /** Marks the product to be written and announced at commit, in the flow of the caller (the handled event's). */
  save(work: UnitOfWork, product: ProductState): void {
    work.save(this, product.id, { product, saved: { work, context: currentContext() } });
  }

  /**
   * Puts these products on the shelf now, each unless a product of its id is there already, and announces those put:
   * fixed ids make concurrent callers insert (and announce) each product once. Answers the products put.
   */
  async insertNew(work: UnitOfWork, products: ProductState[]): Promise<ProductState[]> {
    const inserted: { id: string }[] = await work.em.query(
      `INSERT INTO products (id, name, category, price, sale_price, stock, revision)
       SELECT * FROM ${RECORDSET}
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [JSON.stringify(products.map(toRecord))],
    );
    const ids = new Set(inserted.map((r) => r.id));
    const put = products.filter((p) => ids.has(p.id));
    this.outbox.add(work, put.map((p) => ({ definition: ProductChanged, payload: snapshotOf(p) })));
    return put;
  }

  /** Reads these products and locks their rows, in id order (so runs sharing products wait, never deadlock). */
  async loadMany(em: EntityManager, productIds: string[]): Promise<Map<string, ProductInWork>> {
    const rows: ProductRow[] = await em.query(
      `SELECT id, name, category, price, sale_price, stock, revision FROM products WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [productIds],
    );
    return new Map(rows.map((r) => [r.id, { product: toState(r) }]));
  }

  /** Writes these products and raises one ProductChanged for each, with what it is now. */
  async saveMany(em: EntityManager, products: ProductInWork[]): Promise<void> {
    await this.write(em, products.map((p) => p.product));
    for (const { product, saved } of products) {
      if (saved) this.outbox.add(saved.work, [{ definition: ProductChanged, payload: snapshotOf(product), context: saved.context }]);
    }
  }

  /** Inserts the new products and updates the others, in one statement. */
  protected async write(em: EntityManager, products: ProductState[]): Promise<void> {
    await em.query(
      `INSERT INTO products (id, name, category, price, sale_price, stock, revision)
       SELECT * FROM ${RECORDSET}
       ON CONFLICT (id) DO UPDATE
         SET name = EXCLUDED.name, category = EXCLUDED.category, price = EXCLUDED.price, sale_price = EXCLUDED.sale_price,
             stock = EXCLUDED.stock, revision = EXCLUDED.revision, updated_at = now()`,
      [JSON.stringify(products.map(toRecord))],
    );
  }
}
