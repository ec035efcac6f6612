import { DomainError } from '@homestore/domain';

export class ProductNotFound extends DomainError {
  constructor(productId: string) {
    super('PRODUCT.NOT_FOUND', `No product ${productId}`);
  }
}

export class InvalidSalePrice extends DomainError {
  constructor(salePrice: number, price: number) {
    super('PRODUCT.INVALID_SALE_PRICE', `salePrice ${salePrice} must be lower than price ${price}`);
  }
}

export class StoreOrderNotFound extends DomainError {
  constructor(orderId: string) {
    super('STORE.ORDER_NOT_FOUND', `The store has no order ${orderId}`);
  }
}

export class StoreOrderNotReceived extends DomainError {
  constructor(orderId: string, status: string) {
    super('STORE.ORDER_NOT_RECEIVED', `Store order for ${orderId} is ${status}; only a RECEIVED order can be accepted`);
  }
}
