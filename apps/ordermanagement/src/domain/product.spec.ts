import { changeProduct, moveStock, newProduct, ProductDetails, snapshotOf } from './product';

const ID = '7d2f1e3c-4b5a-4c6d-8e9f-0a1b2c3d4e5f';
const washer = (overrides: Partial<ProductDetails> = {}): ProductDetails => ({
  name: 'LG WashTower 25kg',
  category: 'laundry',
  price: 3290000,
  salePrice: null,
  stock: 12,
  ...overrides,
});

describe('Product', () => {
  it('starts at revision 1 and is on sale exactly when it has a sale price', () => {
    expect(snapshotOf(newProduct(ID, washer()))).toEqual({ productId: ID, revision: 1, ...washer(), onSale: false });
    expect(snapshotOf(newProduct(ID, washer({ salePrice: 2990000 }))).onSale).toBe(true);
  });

  it('refuses a sale price that is not below the price (PRODUCT.INVALID_SALE_PRICE)', () => {
    expect(() => newProduct(ID, washer({ salePrice: 3290000 }))).toThrow(expect.objectContaining({ code: 'PRODUCT.INVALID_SALE_PRICE' }));
    const product = newProduct(ID, washer({ salePrice: 2990000 }));
    expect(() => changeProduct(product, { price: 2000000 })).toThrow(expect.objectContaining({ code: 'PRODUCT.INVALID_SALE_PRICE' }));
  });

  it('raises the revision on every change, and changes nothing when nothing differs', () => {
    const product = newProduct(ID, washer());
    const onSale = changeProduct(product, { salePrice: 2990000 })!;
    expect(onSale).toMatchObject({ salePrice: 2990000, revision: 2 });
    const saleEnded = changeProduct(onSale, { salePrice: null })!;
    expect(saleEnded).toMatchObject({ salePrice: null, revision: 3 });
    expect(changeProduct(saleEnded, { price: 3290000, name: undefined })).toBeNull();
  });

  it('moves stock with a new revision and never below zero', () => {
    const product = newProduct(ID, washer({ stock: 2 }));
    expect(moveStock(product, -2)).toMatchObject({ stock: 0, revision: 2 });
    expect(moveStock(product, 3)).toMatchObject({ stock: 5, revision: 2 });
    expect(() => moveStock(product, -3)).toThrow(/negative/);
  });
});
