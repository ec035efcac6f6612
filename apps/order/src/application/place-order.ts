import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrderPlaced } from '@homestore/events';
import { Order } from '../domain/order';
import { priceLines, RequestedLine } from '../domain/pricing';
import { OrderRepository, OrderView } from '../infrastructure/order.repository';
import { ProductReplica } from '../infrastructure/product-replica.repository';

export interface PlaceOrderCommand {
  customerId: string;
  items: RequestedLine[];
  deliveryAddress: string;
  deliveryPhone: string;
  payment: { method: 'card'; cardToken: string };
  /** The client's retry key: the same key (per customer) gives back the same order. */
  idempotencyKey?: string;
}

/**
 * Places an order priced from the product replica; the order and OrderPlaced are written by one statement, so they
 * commit together (and cost the shop's busiest write two round trips, not five).
 */
@Injectable()
export class PlaceOrder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrderRepository,
    private readonly replica: ProductReplica,
  ) {}

  async execute(command: PlaceOrderCommand): Promise<OrderView> {
    const { customerId, idempotencyKey, deliveryAddress, deliveryPhone, payment } = command;
    const em = this.dataSource.manager;
    const earlier = idempotencyKey && (await this.orders.findByIdempotencyKey(em, customerId, idempotencyKey));
    if (earlier) return earlier;
    const prices = await this.replica.pricesOf(em, command.items.map((l) => l.productId));
    const order = Order.place(randomUUID(), customerId, priceLines(command.items, prices));
    const { id: orderId, items, totalAmount } = order.snapshot;
    const placed = await this.orders.insert(
      em,
      order,
      { deliveryAddress, deliveryPhone },
      [{ definition: OrderPlaced, payload: { orderId, customerId, items, totalAmount, deliveryAddress, deliveryPhone, payment } }],
      idempotencyKey,
    );
    // A concurrent request with the same key won the insert: its order is the answer, and only it is announced.
    return placed ?? (await this.orders.findByIdempotencyKey(em, customerId, idempotencyKey!))!;
  }
}
