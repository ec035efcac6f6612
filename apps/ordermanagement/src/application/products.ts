import { In, type EntityManager } from 'typeorm';
import { ProductChanged } from '@homestore/events';
import { moveStock, snapshotOf, type ProductState } from '../domain/product';
import type { RaisedEvent, StockLine } from '../domain/store-order';
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

/** Moves the stock of locked products and returns their new snapshots to announce. */
export async function moveLockedStock(em: EntityManager, locked: Map<string, ProductEntity>, moves: StockLine[]): Promise<RaisedEvent[]> {
  const events: RaisedEvent[] = [];
  for (const { productId, quantity } of moves) {
    const product = locked.get(productId);
    if (!product) continue; // only when releasing for a product no longer in the catalog
    const moved = moveStock(product, quantity);
    await em.update(ProductEntity, { id: productId }, { stock: moved.stock, revision: moved.revision });
    Object.assign(product, moved);
    events.push(productChanged(moved));
  }
  return events;
}
