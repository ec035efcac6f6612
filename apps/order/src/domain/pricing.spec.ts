import { priceLines, ProductPrice } from './pricing';
import { UnknownProducts } from './order.errors';

const product = (productId: string, over: Partial<ProductPrice> = {}): ProductPrice => ({
  productId,
  name: `Product ${productId}`,
  price: 1_000,
  salePrice: null,
  onSale: false,
  ...over,
});
const replica = (...products: ProductPrice[]) => new Map(products.map((p) => [p.productId, p]));

describe('priceLines', () => {
  it('uses the list price, or the sale price while on sale', () => {
    const lines = priceLines(
      [
        { productId: 'a', quantity: 1 },
        { productId: 'b', quantity: 2 },
        { productId: 'c', quantity: 1 },
      ],
      replica(product('a'), product('b', { salePrice: 800, onSale: true }), product('c', { salePrice: 700, onSale: false })),
    );
    expect(lines).toEqual([
      { productId: 'a', name: 'Product a', unitPrice: 1_000, quantity: 1 },
      { productId: 'b', name: 'Product b', unitPrice: 800, quantity: 2 },
      { productId: 'c', name: 'Product c', unitPrice: 1_000, quantity: 1 },
    ]);
  });

  it('merges repeated products into one line', () => {
    const lines = priceLines(
      [
        { productId: 'a', quantity: 1 },
        { productId: 'b', quantity: 1 },
        { productId: 'a', quantity: 2 },
      ],
      replica(product('a'), product('b')),
    );
    expect(lines.map((l) => [l.productId, l.quantity])).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
  });

  it('names every product the replica does not know', () => {
    let error: unknown;
    try {
      priceLines([{ productId: 'a', quantity: 1 }, { productId: 'x', quantity: 1 }, { productId: 'y', quantity: 1 }], replica(product('a')));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownProducts);
    expect(error).toMatchObject({ code: 'ORDER.UNKNOWN_PRODUCT', productIds: ['x', 'y'] });
  });
});
