import { Cart, MAX_CART_LINES } from './cart';
import { CartEmpty, CartFull, InvalidCartQuantity } from './cart.errors';
import { UnknownProducts } from './order.errors';
import type { ProductPrice } from './pricing';

const product = (productId: string, over: Partial<ProductPrice> = {}): ProductPrice => ({
  productId,
  name: `Product ${productId}`,
  price: 1_000,
  salePrice: null,
  onSale: false,
  ...over,
});
const replica = (...products: ProductPrice[]) => new Map(products.map((p) => [p.productId, p]));

const T0 = new Date('2025-01-01T00:00:00Z');
const T1 = new Date('2025-01-01T00:01:00Z');

/** A test cart: `aCart().with('a', 2).with('b').build()`, each product at the default price of `product`. */
function aCart() {
  const lines: [string, number][] = [];
  const builder = {
    with: (productId: string, quantity = 1) => (lines.push([productId, quantity]), builder),
    build: () => {
      const cart = Cart.empty('c1');
      for (const [productId, quantity] of lines) cart.setQuantity(productId, quantity, product(productId), T0);
      return cart;
    },
  };
  return builder;
}

describe('Cart', () => {
  it('starts empty: no lines, total 0, no updatedAt', () => {
    expect(Cart.empty('c1').view(replica())).toEqual({ items: [], totalAmount: 0 });
  });

  it('adds products in the order they come and sets the quantity of a product already there in place (the same again changes nothing)', () => {
    const cart = aCart().with('a', 2).with('b').build();
    expect(cart.setQuantity('a', 5, product('a'), T1)).toBe(true);
    expect(cart.setQuantity('a', 5, product('a'), new Date())).toBe(false);
    expect(cart.snapshot.lines.map((l) => [l.productId, l.quantity])).toEqual([
      ['a', 5],
      ['b', 1],
    ]);
    expect(cart.snapshot.updatedAt).toEqual(T1);
  });

  it.each([0, 100, -1, 1.5, Number.NaN])('refuses a quantity of %p (1–99)', (quantity) => {
    const cart = aCart().with('a').build();
    expect(() => cart.setQuantity('a', quantity, product('a'), T1)).toThrow(InvalidCartQuantity);
    expect(cart.snapshot.lines).toEqual([{ productId: 'a', quantity: 1, name: 'Product a' }]);
  });

  it('refuses a product the replica does not know, with the code of an order for it', () => {
    const cart = aCart().build();
    expect(() => cart.setQuantity('ghost', 1, undefined)).toThrow(UnknownProducts);
    expect(() => cart.setQuantity('ghost', 1, undefined)).toThrow(expect.objectContaining({ code: 'ORDER.UNKNOWN_PRODUCT' }));
    expect(cart.snapshot.lines).toEqual([]);
  });

  it('holds as many products as one order may, and still changes the quantity of those it holds when full', () => {
    const full = aCart();
    for (let i = 0; i < MAX_CART_LINES; i++) full.with(`p${i}`);
    const cart = full.build();
    expect(() => cart.setQuantity('one-more', 1, product('one-more'))).toThrow(CartFull);
    cart.setQuantity('p7', 3, product('p7'));
    expect(cart.snapshot.lines).toHaveLength(MAX_CART_LINES);
    expect(cart.snapshot.lines[7].quantity).toBe(3);
  });

  it('removes a line, and says so only when there was one', () => {
    const cart = aCart().with('a').with('b').build();
    expect(cart.remove('a', T1)).toBe(true);
    expect(cart.remove('a', new Date())).toBe(false);
    expect(cart.productIds).toEqual(['b']);
    expect(cart.snapshot.updatedAt).toEqual(T1);
  });

  it('empties, and says so only when there was anything', () => {
    const cart = aCart().with('a').with('b').build();
    expect(cart.clear(T1)).toBe(true);
    expect(cart.clear()).toBe(false);
    expect(cart.view(replica(product('a')))).toEqual({ items: [], totalAmount: 0 });
  });

  it('checks out its lines in its order and is empty after', () => {
    const cart = aCart().with('b', 2).with('a', 3).build();
    expect(cart.checkOut(T1)).toEqual([
      { productId: 'b', quantity: 2 },
      { productId: 'a', quantity: 3 },
    ]);
    expect(cart.productIds).toEqual([]);
    expect(cart.snapshot.updatedAt).toEqual(T1);
  });

  it('refuses to check out when empty: CART.EMPTY', () => {
    expect(() => aCart().build().checkOut()).toThrow(CartEmpty);
    expect(() => aCart().build().checkOut()).toThrow(expect.objectContaining({ code: 'CART.EMPTY' }));
  });

  it('is shown at the prices of now (the sale price while on sale), each line with its amount, and their total', () => {
    const cart = aCart().with('a', 2).with('b', 3).build();
    expect(cart.view(replica(product('a', { name: 'Washer', price: 1_200 }), product('b', { price: 500, salePrice: 400, onSale: true })))).toEqual({
      items: [
        { productId: 'a', name: 'Washer', unitPrice: 1_200, quantity: 2, lineAmount: 2_400, available: true },
        { productId: 'b', name: 'Product b', unitPrice: 400, quantity: 3, lineAmount: 1_200, available: true },
      ],
      totalAmount: 3_600,
      updatedAt: T0,
    });
  });

  it('shows a product the replica lacks now as not available, by its last known name, out of the total', () => {
    const cart = aCart().with('a', 2).with('gone', 1).build();
    expect(cart.view(replica(product('a')))).toEqual({
      items: [
        { productId: 'a', name: 'Product a', unitPrice: 1_000, quantity: 2, lineAmount: 2_000, available: true },
        { productId: 'gone', name: 'Product gone', unitPrice: null, quantity: 1, lineAmount: null, available: false },
      ],
      totalAmount: 2_000,
      updatedAt: T0,
    });
  });

  it('restores a copy: changing it leaves the state it came from alone', () => {
    const state = { customerId: 'c1', lines: [{ productId: 'a', quantity: 1, name: 'A' }], updatedAt: T0 };
    Cart.restore(state).setQuantity('a', 9, product('a'));
    expect(state.lines[0].quantity).toBe(1);
  });
});
