import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Page, PagePosition } from '@homestore/platform';
import { OrderNotFound } from '../domain/order.errors';
import { OrderRepository, OrderView } from '../infrastructure/order.repository';

/** A customer's own orders; another customer's order does not exist for them. */
@Injectable()
export class OrderQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrderRepository,
  ) {}

  async own(customerId: string, orderId: string): Promise<OrderView> {
    const order = await this.orders.findOwn(this.dataSource.manager, customerId, orderId);
    if (!order) throw new OrderNotFound(orderId);
    return order;
  }

  /** A page of the customer's orders, newest first. */
  page(customerId: string, query: { limit: number; after?: PagePosition }): Promise<Page<OrderView>> {
    return this.orders.pageOwn(this.dataSource.manager, customerId, query);
  }
}
