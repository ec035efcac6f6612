import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { Outbox } from '@homestore/messaging';
import { changeProduct, newProduct, type ProductDetails } from '../domain/product';
import { ProductNotFound } from '../domain/store.errors';
import { ProductEntity } from '../infrastructure/product.entity';
import { DEMO_CATALOG } from './demo-catalog';
import { productChanged } from './products';

/** What customers and clerks see of a product. */
export interface ProductView {
  id: string;
  name: string;
  category: string;
  price: number;
  salePrice: number | null;
  stock: number;
}

export const productView = ({ id, name, category, price, salePrice, stock }: ProductEntity): ProductView => ({
  id,
  name,
  category,
  price,
  salePrice,
  stock,
});

/** The catalog: every change commits with the ProductChanged snapshot that announces it. */
@Injectable()
export class Catalog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async list(filter: { category?: string; onSale?: boolean }): Promise<ProductView[]> {
    const query = this.dataSource.manager.createQueryBuilder(ProductEntity, 'p').orderBy('p.category').addOrderBy('p.name');
    if (filter.category) query.andWhere('p.category = :category', { category: filter.category });
    if (filter.onSale === true) query.andWhere('p.sale_price IS NOT NULL');
    if (filter.onSale === false) query.andWhere('p.sale_price IS NULL');
    return (await query.getMany()).map(productView);
  }

  async get(productId: string): Promise<ProductView> {
    const product = isUUID(productId) ? await this.dataSource.manager.findOneBy(ProductEntity, { id: productId }) : null;
    if (!product) throw new ProductNotFound(productId);
    return productView(product);
  }

  create(details: ProductDetails): Promise<ProductView> {
    const product = newProduct(randomUUID(), details);
    return this.dataSource.transaction(async (em) => {
      const saved = await em.save(em.create(ProductEntity, product));
      await this.outbox.addAll(em, [productChanged(product)]);
      return productView(saved);
    });
  }

  update(productId: string, changes: Partial<ProductDetails>): Promise<ProductView> {
    if (!isUUID(productId)) return Promise.reject(new ProductNotFound(productId));
    return this.dataSource.transaction(async (em) => {
      const product = await em.findOne(ProductEntity, { where: { id: productId }, lock: { mode: 'pessimistic_write' } });
      if (!product) throw new ProductNotFound(productId);
      const changed = changeProduct(product, changes);
      if (!changed) return productView(product);
      Object.assign(product, changed);
      await em.save(product);
      await this.outbox.addAll(em, [productChanged(changed)]);
      return productView(product);
    });
  }

  /**
   * Puts the demo catalog on the shelf once: fixed ids and `ON CONFLICT DO NOTHING` make concurrent first starts
   * of several instances insert (and announce) each product exactly once, and later starts change nothing.
   */
  async seedDemoCatalog(): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const seeded = DEMO_CATALOG.map((p) => newProduct(p.id, p));
      const inserted: { id: string }[] = await em
        .createQueryBuilder()
        .insert()
        .into(ProductEntity)
        .values(seeded)
        .orIgnore()
        .returning('id')
        .execute()
        .then((r) => r.raw);
      const ids = new Set(inserted.map((r) => r.id));
      await this.outbox.addAll(em, seeded.filter((p) => ids.has(p.id)).map(productChanged));
      return ids.size;
    });
  }
}
