import { DomainError } from '@homestore/domain';

export class OrderNotCancelable extends DomainError {
  constructor(orderId: string, status: string) {
    super('ORDER.NOT_CANCELABLE', `Order ${orderId} is ${status} and can no longer be canceled`);
  }
}

export class OrderNotFound extends DomainError {
  constructor(orderId: string) {
    super('ORDER.NOT_FOUND', `Order ${orderId} was not found`);
  }
}

/** The product replica does not know these products (yet): the catalog's ProductChanged has not arrived. */
export class UnknownProducts extends DomainError {
  constructor(readonly productIds: string[]) {
    super('ORDER.UNKNOWN_PRODUCT', `Unknown products: ${productIds.join(', ')}`);
  }
}

/** An order cannot spend more points than it costs. */
export class InvalidPoints extends DomainError {
  constructor(pointsToUse: number, totalAmount: number) {
    super('ORDER.INVALID_POINTS', `pointsToUse (${pointsToUse}) is more than the order's totalAmount (${totalAmount})`);
  }
}
