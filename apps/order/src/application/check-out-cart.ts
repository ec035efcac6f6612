import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inUnitOfWork } from '@homestore/persistence';
import { CartRepository } from '../infrastructure/cart.repository';
import type { OrderView } from '../infrastructure/order.repository';
import { OrderDetails, PlaceOrder } from './place-order';

/**
 * The cart becomes an order by POST /orders' own path (PlaceOrder: its validation, pricing from the replica,
 * Idempotency-Key and OrderPlaced written with the order), in one transaction with the cart emptied.
 */
@Injectable()
export class CheckOutCart {
  constructor(
    private readonly dataSource: DataSource,
    private readonly carts: CartRepository,
    private readonly placeOrder: PlaceOrder,
  ) {}

  execute(details: OrderDetails): Promise<OrderView> {
    return inUnitOfWork(this.dataSource, async (work) => {
      const cart = await this.carts.load(work, details.customerId);
      // Looked for under the cart's lock, so a retry waits for the checkout it repeats, answers its order and leaves
      // the cart alone (it may have been filled again since).
      const earlier = await this.placeOrder.earlier(work.em, details);
      if (earlier) return earlier;
      const items = cart.checkOut();
      const { order, placed } = await this.placeOrder.place(work.em, { ...details, items });
      // A POST /orders with the same key won meanwhile: that order is the answer, and this cart was not ordered.
      if (placed) {
        this.carts.save(work, cart);
        work.afterCommit(() => this.placeOrder.placed(order));
      }
      return order;
    });
  }
}
