import { DomainError } from '@homestore/domain';

/** A checkout of a cart with no lines: there is nothing to order. */
export class CartEmpty extends DomainError {
  constructor() {
    super('CART.EMPTY', 'The cart is empty: there is nothing to order');
  }
}

/** A line's quantity outside what one cart line may hold. */
export class InvalidCartQuantity extends DomainError {
  constructor(quantity: number, max: number) {
    super('CART.INVALID_QUANTITY', `A cart line holds 1 to ${max} of a product, not ${quantity}`);
  }
}

/** A new product for a cart that already holds as many products as one order may. */
export class CartFull extends DomainError {
  constructor(max: number) {
    super('CART.FULL', `A cart holds at most ${max} different products`);
  }
}
