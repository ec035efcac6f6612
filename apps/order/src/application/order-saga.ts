import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PermanentError } from '@homestore/messaging';
import type { Order } from '../domain/order';
import { OrderRepository } from '../infrastructure/order.repository';

/**
 * Where the saga moves an order: a participant's event is recorded as a fact on the aggregate, which derives the
 * status. Called by the event handlers of interface/, inside the transaction that also records the inbox row.
 */
@Injectable()
export class OrderSaga {
  constructor(private readonly orders: OrderRepository) {}

  async record(em: EntityManager, orderId: string, fact: (order: Order) => void): Promise<void> {
    const order = await this.orders.loadForUpdate(em, orderId);
    // Orders are stored before OrderPlaced is published, so no participant can know an order this service lacks.
    if (!order) throw new PermanentError(`order ${orderId} does not exist in the order service`);
    fact(order);
    await this.orders.save(em, order);
  }
}
