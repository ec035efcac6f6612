import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventOf, OrderCanceled, PaymentApproved } from '@homestore/events';
import { OnEvent } from '@homestore/messaging';
import { StoreOrders } from '../application/store-orders';

/** The saga's events the store acts on (consumer group `ordermanagement`). */
@Injectable()
export class OrderEventsHandler {
  constructor(private readonly storeOrders: StoreOrders) {}

  @OnEvent(PaymentApproved)
  onPaymentApproved(event: EventOf<typeof PaymentApproved>, em: EntityManager): Promise<void> {
    return this.storeOrders.receivePaidOrder(em, event.payload);
  }

  @OnEvent(OrderCanceled)
  onOrderCanceled(event: EventOf<typeof OrderCanceled>, em: EntityManager): Promise<void> {
    return this.storeOrders.cancel(em, event.payload);
  }
}
