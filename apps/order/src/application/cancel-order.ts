import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrderCanceled } from '@homestore/events';
import { Outbox } from '@homestore/messaging';
import { OrderStatus } from '../domain/order';
import { OrderNotFound } from '../domain/order.errors';
import { OrderRepository } from '../infrastructure/order.repository';

/** The customer cancels their own order: it becomes CANCELING and OrderCanceled commits with it. */
@Injectable()
export class CancelOrder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrderRepository,
    private readonly outbox: Outbox,
  ) {}

  execute(customerId: string, orderId: string): Promise<{ id: string; status: OrderStatus }> {
    return this.dataSource.transaction(async (em) => {
      const order = await this.orders.loadForUpdate(em, orderId);
      if (!order || order.snapshot.customerId !== customerId) throw new OrderNotFound(orderId);
      order.cancel();
      await this.orders.save(em, order);
      await this.outbox.add(em, OrderCanceled, { orderId, customerId });
      return { id: orderId, status: order.status };
    });
  }
}
