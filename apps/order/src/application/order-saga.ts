import { Injectable } from '@nestjs/common';
import { PermanentError } from '@homestore/messaging';
import type { UnitOfWork } from '@homestore/persistence';
import type { Order } from '../domain/order';
import { OrderRepository } from '../infrastructure/order.repository';

/**
 * Where the saga moves an order: a participant's event is recorded as a fact on the aggregate, which derives the
 * status. Called by the event handlers of interface/, in the unit of work that also records the inbox row.
 */
@Injectable()
export class OrderSaga {
  constructor(private readonly orders: OrderRepository) {}

  /** Loads the order, records the fact on it (`fact`, one of the aggregate's methods) and saves it. */
  async record(work: UnitOfWork, orderId: string, fact: (order: Order) => void): Promise<void> {
    const order = await this.orders.load(work, orderId);
    // Orders are stored before OrderPlaced is published, so no participant can know an order this service lacks.
    if (!order) throw new PermanentError(`order ${orderId} does not exist in the order service`);
    fact(order);
    this.orders.save(work, order);
  }
}
