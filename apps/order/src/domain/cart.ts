/**
 * A customer's cart: which products they mean to order and how many of each. It keeps no prices: a cart is shown,
 * and checked out, at the product replica's prices of that moment, so a product whose price changed while in the
 * cart shows its new price, and one the replica lacks shows as not available.
 */
import { CartEmpty, CartFull, InvalidCartQuantity } from './cart.errors';
import { UnknownProducts } from './order.errors';
import { ProductPrice, RequestedLine, unitPriceOf } from './pricing';

/** The most of one product a cart line holds. */
export const MAX_CART_QUANTITY = 99;
/** The most products a cart holds: as many lines as one order may have (POST /orders takes at most 100 items). */
export const MAX_CART_LINES = 100;

export interface CartLine {
  productId: string;
  quantity: number;
  /** The product's name when the line was last set: what the line is called while the replica lacks the product. */
  name: string;
}

export interface CartState {
  customerId: string;
  /** In the order the products were first put in. */
  lines: CartLine[];
  /** When the lines last changed; null for a cart that never had any. */
  updatedAt: Date | null;
}

/** A line as it is now. */
export interface CartLineView {
  productId: string;
  name: string;
  /** The replica's price now (the sale price while on sale); null while the replica lacks the product. */
  unitPrice: number | null;
  quantity: number;
  lineAmount: number | null;
  /** Whether the line can be ordered now: the replica knows its product (a checkout refuses the cart otherwise). */
  available: boolean;
}

/** The cart as it is now; `updatedAt` only when it has lines. */
export interface CartView {
  items: CartLineView[];
  /** The sum of the available lines. */
  totalAmount: number;
  updatedAt?: Date;
}

export class Cart {
  private constructor(private readonly state: CartState) {}

  /** The cart of a customer who has none yet. */
  static empty(customerId: string): Cart {
    return new Cart({ customerId, lines: [], updatedAt: null });
  }

  static restore(state: CartState): Cart {
    return new Cart({ ...state, lines: state.lines.map((line) => ({ ...line })) });
  }

  get snapshot(): Readonly<CartState> {
    return this.state;
  }

  get productIds(): string[] {
    return this.state.lines.map((line) => line.productId);
  }

  /**
   * Puts `quantity` (1–99) of the product in the cart, replacing what was there: a new line at the end, or its line
   * changed in place. `product` is the replica's, undefined while it lacks the product (ORDER.UNKNOWN_PRODUCT, as
   * an order for it would be refused). A new product when the cart holds 100 already is CART.FULL. True when the
   * cart changed (setting a line to what it holds changes nothing).
   */
  setQuantity(productId: string, quantity: number, product: ProductPrice | undefined, now = new Date()): boolean {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_CART_QUANTITY) throw new InvalidCartQuantity(quantity, MAX_CART_QUANTITY);
    if (!product) throw new UnknownProducts([productId]);
    const line = this.state.lines.find((l) => l.productId === productId);
    if (line?.quantity === quantity && line.name === product.name) return false;
    if (line) {
      line.quantity = quantity;
      line.name = product.name;
    } else {
      if (this.state.lines.length >= MAX_CART_LINES) throw new CartFull(MAX_CART_LINES);
      this.state.lines.push({ productId, quantity, name: product.name });
    }
    this.state.updatedAt = now;
    return true;
  }

  /** Takes the product's line out: true when there was one (removing it again changes nothing). */
  remove(productId: string, now = new Date()): boolean {
    const lines = this.state.lines.filter((l) => l.productId !== productId);
    if (lines.length === this.state.lines.length) return false;
    this.state.lines = lines;
    this.state.updatedAt = now;
    return true;
  }

  /** Takes every line out: true when there was any. */
  clear(now = new Date()): boolean {
    if (!this.state.lines.length) return false;
    this.state.lines = [];
    this.state.updatedAt = now;
    return true;
  }

  /** The lines to order, in the cart's order, and the cart emptied; CART.EMPTY when it has none. */
  checkOut(now = new Date()): RequestedLine[] {
    if (!this.state.lines.length) throw new CartEmpty();
    const lines = this.state.lines.map(({ productId, quantity }) => ({ productId, quantity }));
    this.clear(now);
    return lines;
  }

  /** The cart at the prices of `products` (the replica's now): a line whose product is not there is not available. */
  view(products: Map<string, ProductPrice>): CartView {
    const items = this.state.lines.map(({ productId, quantity, name }): CartLineView => {
      const product = products.get(productId);
      if (!product) return { productId, name, unitPrice: null, quantity, lineAmount: null, available: false };
      const unitPrice = unitPriceOf(product);
      return { productId, name: product.name, unitPrice, quantity, lineAmount: unitPrice * quantity, available: true };
    });
    const totalAmount = items.reduce((sum, line) => sum + (line.lineAmount ?? 0), 0);
    return items.length ? { items, totalAmount, updatedAt: this.state.updatedAt ?? undefined } : { items, totalAmount };
  }
}
