import { In, type EntityManager } from 'typeorm';
import { ProductChanged } from '@homestore/events';
import { snapshotOf, type ProductState } from '../domain/product';
import type { RaisedEvent } from '../domain/store-order';
import { ProductEntity } from '../infrastructure/product.entity';

/** A product's full snapshot as an event to raise. */
export function productChanged(product: ProductState): RaisedEvent {
  return { definition: ProductChanged, payload: snapshotOf(product) };
}

/**
 * Locks the rows of these products, always in id order so that concurrent reservations over overlapping
 * products queue instead of deadlocking; a product that does not exist is simply absent from the map.
 */
export async function lockProducts(em: EntityManager, productIds: string[]): Promise<Map<string, ProductEntity>> {
  if (!productIds.length) return new Map();
  const rows = await em
    .createQueryBuilder(ProductEntity, 'p')
    .where({ id: In(productIds) })
    .orderBy('p.id')
    .setLock('pessimistic_write')
    .getMany();
  return new Map(rows.map((p) => [p.id, p]));
}

/** Writes the stock (and revision) of these locked products and returns their snapshots to announce. */
export async function saveStock(em: EntityManager, products: ProductState[]): Promise<RaisedEvent[]> {
  for (const { id, stock, revision } of products) await em.update(ProductEntity, { id }, { stock, revision });
  return products.map(productChanged);
}
