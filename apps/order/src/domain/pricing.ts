/**
 * Pricing an order from the product replica: one line per product (repeated products are merged), each at the
 * price the catalog last announced — the sale price while the product is on sale, the list price otherwise.
 */
import type { OrderLine } from './order';
import { UnknownProducts } from './order.errors';

export interface RequestedLine {
  productId: string;
  quantity: number;
}

/** What the order service knows of a catalog product, from its newest ProductChanged. */
export interface ProductPrice {
  productId: string;
  name: string;
  price: number;
  salePrice: number | null;
  onSale: boolean;
}

export function unitPriceOf(product: ProductPrice): number {
  return product.onSale && product.salePrice !== null ? product.salePrice : product.price;
}

/** Lines with the same product are merged, keeping the order in which products first appear. */
export function mergeLines(lines: RequestedLine[]): RequestedLine[] {
  const merged = new Map<string, number>();
  for (const { productId, quantity } of lines) merged.set(productId, (merged.get(productId) ?? 0) + quantity);
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }));
}

/** Prices the requested lines; throws UnknownProducts naming every product the replica does not have. */
export function priceLines(requested: RequestedLine[], products: Map<string, ProductPrice>): OrderLine[] {
  const lines = mergeLines(requested);
  const unknown = lines.filter((l) => !products.has(l.productId)).map((l) => l.productId);
  if (unknown.length) throw new UnknownProducts(unknown);
  return lines.map(({ productId, quantity }) => {
    const product = products.get(productId)!;
    return { productId, name: product.name, unitPrice: unitPriceOf(product), quantity };
  });
}
