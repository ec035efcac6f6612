import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ProductChangedPayload } from '@homestore/events';
import type { AggregateStore, UnitOfWork } from '@homestore/persistence';
import type { ProductPrice } from '../domain/pricing';

/** The newest snapshot of a product the unit of work was given. */
interface ReplicaEntry {
  revision: number;
  snapshot: ProductChangedPayload;
}

/** The order service's copy of the catalog's prices, kept from ProductChanged snapshots. */
@Injectable()
export class ProductReplica implements AggregateStore<ReplicaEntry> {
  /** Keeps the snapshot with the highest revision: an older or repeated one changes nothing. */
  async record(work: UnitOfWork, snapshot: ProductChangedPayload): Promise<void> {
    const known = await work.load(this, snapshot.productId); // a newer snapshot this unit of work was given
    if (!known || known.revision < snapshot.revision) work.save(this, snapshot.productId, { revision: snapshot.revision, snapshot });
  }

  /**
   * Reads nothing: the write keeps a stored snapshot of a higher revision (see saveMany), so the unit of work only
   * has to keep the newest of the snapshots it is given, and a run of product events costs one statement.
   */
  async loadMany(): Promise<Map<string, ReplicaEntry>> {
    return new Map();
  }

  async saveMany(em: EntityManager, entries: ReplicaEntry[]): Promise<void> {
    const rows = entries.map(({ snapshot: p }) => ({ product_id: p.productId, revision: p.revision, name: p.name, price: p.price, sale_price: p.salePrice ?? null, on_sale: p.onSale }));
    await em.query(
      `INSERT INTO products (product_id, revision, name, price, sale_price, on_sale)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(product_id uuid, revision int, name text, price bigint, sale_price bigint, on_sale boolean)
       ON CONFLICT (product_id) DO UPDATE
         SET revision = EXCLUDED.revision, name = EXCLUDED.name, price = EXCLUDED.price, sale_price = EXCLUDED.sale_price,
             on_sale = EXCLUDED.on_sale, updated_at = now()
         WHERE products.revision < EXCLUDED.revision`,
      [JSON.stringify(rows)],
    );
  }

  async pricesOf(em: EntityManager, productIds: string[]): Promise<Map<string, ProductPrice>> {
    const rows: { product_id: string; name: string; price: string; sale_price: string | null; on_sale: boolean }[] = await em.query(
      `SELECT product_id, name, price, sale_price, on_sale FROM products WHERE product_id = ANY($1::uuid[])`,
      [productIds],
    );
    return new Map(
      rows.map((r) => [
        r.product_id,
        { productId: r.product_id, name: r.name, price: Number(r.price), salePrice: r.sale_price === null ? null : Number(r.sale_price), onSale: r.on_sale },
      ]),
    );
  }
}
