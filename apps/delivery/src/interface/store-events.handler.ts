import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventOf, OrderAccepted, StoreOrderCanceled } from '@homestore/events';
import { OnEvent, OnEventRun } from '@homestore/messaging';
import { DeliveriesService, StoreEvent } from '../application/deliveries.service';

/**
 * Consumer group `delivery`: starts accepted orders, cancels those the store canceled. A run of store events is
 * followed in one go (a few statements however long it is); an event on its own takes the same path.
 */
@Injectable()
export class StoreEventsHandler {
  constructor(private readonly deliveries: DeliveriesService) {}

  @OnEventRun()
  onStoreEvents(events: StoreEvent[], em: EntityManager): Promise<void> {
    return this.deliveries.followStore(em, events);
  }

  @OnEvent(OrderAccepted)
  onOrderAccepted(event: EventOf<typeof OrderAccepted>, em: EntityManager): Promise<void> {
    return this.deliveries.followStore(em, [event]);
  }

  @OnEvent(StoreOrderCanceled)
  onStoreOrderCanceled(event: EventOf<typeof StoreOrderCanceled>, em: EntityManager): Promise<void> {
    return this.deliveries.followStore(em, [event]);
  }
}
