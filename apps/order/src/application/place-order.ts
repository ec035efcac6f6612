import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { OrderPlaced } from '@homestore/events';
import { Order } from '../domain/order';
import { priceLines, RequestedLine } from '../domain/pricing';
import { OrderRepository, OrderView } from '../infrastructure/order.repository';
import { ProductReplica } from '../infrastructure/product-replica.repository';

/** What an order needs besides its lines: POST /orders and a cart's checkout both give it. */
export interface OrderDetails {
  customerId: string;
  deliveryAddress: string;
  deliveryPhone: string;
  payment: { method: 'card'; cardToken: string };
  /** Points the customer spends on the order (none when absent): at most its total, or ORDER.INVALID_POINTS. */
  pointsToUse?: number;
  /** The client's retry key: the same key (per customer) gives back the same order. */
  idempotencyKey?: string;
}

export interface PlaceOrderCommand extends OrderDetails {
  items: RequestedLine[];
}

/**
 * Places an order priced from the product replica; the order and OrderPlaced are written by one statement, so they
 * commit together (and cost the shop's busiest write two round trips, not five). The one way an order is placed:
 * POST /orders runs `execute`; a cart's checkout runs `earlier` and `place` in its own transaction (CheckOutCart).
 */
@Injectable()
export class PlaceOrder {
  private readonly logger = new Logger('PlaceOrder');

  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrderRepository,
    private readonly replica: ProductReplica,
  ) {}

  async execute(command: PlaceOrderCommand): Promise<OrderView> {
    const em = this.dataSource.manager;
    const earlier = await this.earlier(em, command);
    if (earlier) return earlier;
    const { order, placed } = await this.place(em, command);
    if (placed) this.placed(order);
    return order;
  }

  /** Says, once it is committed, that an order was placed: the first line of the order's story in the logs. */
  placed({ id, totalAmount, pointsUsed }: OrderView): void {
    this.logger.log(`order ${id} placed: ${totalAmount} in all, ${pointsUsed} in points`);
  }

  /** The order this customer already placed with this idempotency key (by POST /orders or a checkout), if any. */
  async earlier(em: EntityManager, { customerId, idempotencyKey }: OrderDetails): Promise<OrderView | null> {
    return idempotencyKey ? this.orders.findByIdempotencyKey(em, customerId, idempotencyKey) : null;
  }

  /**
   * Prices the lines (ORDER.UNKNOWN_PRODUCT naming those the replica lacks; ORDER.INVALID_POINTS when it spends more
   * points than it costs) and writes the order with OrderPlaced by one statement on `em`: alone, that statement is its own transaction; in a caller's, it commits with the rest.
   * `placed` is false when a concurrent request with the same idempotency key won: its order is the answer, and only
   * it is announced.
   */
  async place(em: EntityManager, command: PlaceOrderCommand): Promise<{ order: OrderView; placed: boolean }> {
    const { customerId, idempotencyKey, deliveryAddress, deliveryPhone, payment } = command;
    const prices = await this.replica.pricesOf(em, command.items.map((l) => l.productId));
    const order = Order.place(randomUUID(), customerId, priceLines(command.items, prices), command.pointsToUse ?? 0);
    const { id: orderId, items, totalAmount, pointsUsed } = order.snapshot;
    const placed = await this.orders.insert(
      em,
      order,
      { deliveryAddress, deliveryPhone },
      [
        {
          definition: OrderPlaced,
          payload: { orderId, customerId, items, totalAmount, pointsUsed, amountDue: order.amountDue, deliveryAddress, deliveryPhone, payment },
        },
      ],
      idempotencyKey,
    );
    if (placed) return { order: placed, placed: true };
    return { order: (await this.orders.findByIdempotencyKey(em, customerId, idempotencyKey!))!, placed: false };
  }
}
