import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inUnitOfWork } from '@homestore/persistence';
import type { Cart, CartView } from '../domain/cart';
import type { ProductPrice } from '../domain/pricing';
import { CartRepository } from '../infrastructure/cart.repository';
import { ProductReplica } from '../infrastructure/product-replica.repository';

/**
 * The customer's edits of their cart. Each loads the cart under its lock, changes it and saves it, so concurrent
 * edits of one cart apply one after the other and none loses another's line; each answers the cart at the replica's prices of now.
 */
@Injectable()
export class EditCart {
  constructor(
    private readonly dataSource: DataSource,
    private readonly carts: CartRepository,
    private readonly replica: ProductReplica,
  ) {}

  setQuantity(customerId: string, productId: string, quantity: number): Promise<CartView> {
    return this.edit(customerId, [productId], (cart, products) => cart.setQuantity(productId, quantity, products.get(productId)));
  }

  remove(customerId: string, productId: string): Promise<CartView> {
    return this.edit(customerId, [], (cart) => cart.remove(productId));
  }

  empty(customerId: string): Promise<CartView> {
    return this.edit(customerId, [], (cart) => cart.clear());
  }

  /** Loads the cart (locked), changes it knowing the replica's products of the cart and `alsoPriced`, saves it if it changed. */
  private edit(customerId: string, alsoPriced: string[], change: (cart: Cart, products: Map<string, ProductPrice>) => boolean): Promise<CartView> {
    return inUnitOfWork(this.dataSource, async (work) => {
      const cart = await this.carts.load(work, customerId);
      const products = await this.replica.pricesOf(work.em, [...cart.productIds, ...alsoPriced]);
      if (change(cart, products)) this.carts.save(work, cart);
      return cart.view(products);
    });
  }
}
