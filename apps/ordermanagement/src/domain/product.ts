/**
 * A catalog product: price, optional sale price (always below the price) and stock on the shelf (never negative).
 * Every change raises the revision, so replicas fed by ProductChanged snapshots keep the newest one.
 */
import { InvalidSalePrice } from './store.errors';

export interface ProductDetails {
  name: string;
  category: string;
  price: number;
  salePrice: number | null;
  stock: number;
}

export interface ProductState extends ProductDetails {
  id: string;
  revision: number;
}

/** What ProductChanged announces: the whole product, with whether it is on sale. */
export interface ProductSnapshot extends ProductDetails {
  productId: string;
  revision: number;
  onSale: boolean;
}

function checkSalePrice({ price, salePrice }: ProductDetails): void {
  if (salePrice !== null && salePrice >= price) throw new InvalidSalePrice(salePrice, price);
}

export function newProduct(id: string, details: ProductDetails): ProductState {
  checkSalePrice(details);
  return { id, ...details, revision: 1 };
}

/** The product with the changes applied and a new revision; `null` when nothing would change. */
export function changeProduct(product: ProductState, changes: Partial<ProductDetails>): ProductState | null {
  const next: ProductState = { ...product };
  for (const [field, value] of Object.entries(changes) as [keyof ProductDetails, never][]) {
    if (value !== undefined) next[field] = value;
  }
  checkSalePrice(next);
  const same = (Object.keys(changes) as (keyof ProductDetails)[]).every((f) => changes[f] === undefined || product[f] === next[f]);
  return same ? null : { ...next, revision: product.revision + 1 };
}

/** The stock moved by `delta` (negative to take, positive to put back); the caller has checked availability. */
export function moveStock(product: ProductState, delta: number): ProductState {
  const stock = product.stock + delta;
  if (stock < 0) throw new Error(`stock of ${product.id} would go negative (${product.stock} ${delta})`);
  return { ...product, stock, revision: product.revision + 1 };
}

export function snapshotOf({ id, revision, name, category, price, salePrice, stock }: ProductState): ProductSnapshot {
  return { productId: id, revision, name, category, price, salePrice, stock, onSale: salePrice !== null };
}
