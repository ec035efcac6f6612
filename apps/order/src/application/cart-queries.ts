import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CartView } from '../domain/cart';
import { CartRepository } from '../infrastructure/cart.repository';
import { ProductReplica } from '../infrastructure/product-replica.repository';

/** A customer's cart as it is now: each line at the replica's current price, or not available while it lacks it. */
@Injectable()
export class CartQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly carts: CartRepository,
    private readonly replica: ProductReplica,
  ) {}

  async view(customerId: string): Promise<CartView> {
    const em = this.dataSource.manager;
    const cart = await this.carts.find(em, customerId);
    return cart.view(cart.productIds.length ? await this.replica.pricesOf(em, cart.productIds) : new Map());
  }
}
