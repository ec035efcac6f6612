import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ProductChangedPayload } from '@homestore/events';
import type { ProductPrice } from '../domain/pricing';

/** The order service's copy of the catalog's prices, kept from ProductChanged snapshots. */
@Injectable()
export class ProductReplica {
  /** Keeps the snapshot with the highest revision: an older or repeated one changes nothing. */
  async record(em: EntityManager, p: ProductChangedPayload): Promise<void> {
    await em.query(
      `INSERT INTO products (product_id, revision, name, price, sale_price, on_sale) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (product_id) DO UPDATE
         SET revision = EXCLUDED.revision, name = EXCLUDED.name, price = EXCLUDED.price, sale_price = EXCLUDED.sale_price,
             on_sale = EXCLUDED.on_sale, updated_at = now()
         WHERE products.revision < EXCLUDED.revision`,
      [p.productId, p.revision, p.name, p.price, p.salePrice ?? null, p.onSale],
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
