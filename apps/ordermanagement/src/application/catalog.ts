import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { inUnitOfWork } from '@homestore/persistence';
import { changeProduct, newProduct, type ProductDetails, type ProductState } from '../domain/product';
import { ProductNotFound } from '../domain/store.errors';
import { ProductEntity } from '../infrastructure/product.entity';
import { ProductRepository } from '../infrastructure/product.repository';
import { DEMO_CATALOG } from './demo-catalog';

/** What customers and clerks see of a product. */
export interface ProductView {
  id: string;
  name: string;
  category: string;
  price: number;
  salePrice: number | null;
  stock: number;
}

export const productView = ({ id, name, category, price, salePrice, stock }: ProductState): ProductView => ({
  id,
  name,
  category,
  price,
  salePrice,
  stock,
});

/** The catalog: every change commits with the ProductChanged snapshot that announces it (ProductRepository). */
@Injectable()
export class Catalog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly products: ProductRepository,
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

  async create(details: ProductDetails): Promise<ProductView> {
    const product = newProduct(randomUUID(), details);
    await inUnitOfWork(this.dataSource, async (work) => this.products.save(work, product));
    return productView(product);
  }

  async update(productId: string, changes: Partial<ProductDetails>): Promise<ProductView> {
    if (!isUUID(productId)) throw new ProductNotFound(productId);
    return inUnitOfWork(this.dataSource, async (work) => {
      const product = await this.products.load(work, productId);
      if (!product) throw new ProductNotFound(productId);
      const changed = changeProduct(product, changes);
      if (changed) this.products.save(work, changed);
      return productView(changed ?? product);
    });
  }

  /** Puts the demo catalog on the shelf once per database, whatever the number of instances starting; answers how many products it put. */
  async seedDemoCatalog(): Promise<number> {
    const demo = DEMO_CATALOG.map((p) => newProduct(p.id, p));
    return inUnitOfWork(this.dataSource, async (work) => (await this.products.insertNew(work, demo)).length);
  }
}
