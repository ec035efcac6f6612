import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrderCanceled } from '@homestore/events';
import { Outbox } from '@homestore/messaging';
import { inUnitOfWork } from '@homestore/persistence';
import { OrderStatus } from '../domain/order';
import { OrderNotFound } from '../domain/order.errors';
import { OrderRepository } from '../infrastructure/order.repository';

/** The customer cancels their own order: it becomes CANCELING and OrderCanceled commits with it; asked again, the same answer. */
@Injectable()
export class CancelOrder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrderRepository,
    private readonly outbox: Outbox,
  ) {}

  execute(customerId: string, orderId: string): Promise<{ id: string; status: OrderStatus }> {
    return inUnitOfWork(this.dataSource, async (work) => {
      const order = await this.orders.load(work, orderId);
      if (!order || order.snapshot.customerId !== customerId) throw new OrderNotFound(orderId);
      // A retried cancel (the order is CANCELING or CANCELED already) answers the same and raises nothing again.
      if (order.cancel()) {
        this.orders.save(work, order);
        this.outbox.add(work, [{ definition: OrderCanceled, payload: { orderId, customerId } }]);
      }
      return { id: orderId, status: order.status };
    });
  }
}
