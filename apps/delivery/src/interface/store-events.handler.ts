import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventOf, OrderAccepted, StoreOrderCanceled } from '@homestore/events';
import { OnEvent } from '@homestore/messaging';
import { DeliveriesService } from '../application/deliveries.service';

/** Consumer group `delivery`: starts accepted orders, cancels those the store canceled. */
@Injectable()
export class StoreEventsHandler {
  constructor(private readonly deliveries: DeliveriesService) {}

  @OnEvent(OrderAccepted)
  onOrderAccepted({ payload }: EventOf<typeof OrderAccepted>, em: EntityManager): Promise<void> {
    return this.deliveries.startFor(em, payload);
  }

  @OnEvent(StoreOrderCanceled)
  onStoreOrderCanceled({ payload }: EventOf<typeof StoreOrderCanceled>, em: EntityManager): Promise<void> {
    return this.deliveries.cancelFor(em, payload.orderId, payload.customerId);
  }
}
