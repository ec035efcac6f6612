import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DeliveryCanceled, DeliveryCompleted, DeliveryStarted, EventOf } from '@homestore/events';
import { OnEvent } from '@homestore/messaging';
import { OrderSaga } from '../application/order-saga';
import { ConsumerGroups } from '../consumer-groups';

/** delivery.events.v1 → the order's delivery fact. */
@Injectable()
export class DeliveryEventsHandler {
  constructor(private readonly saga: OrderSaga) {}

  @OnEvent(DeliveryStarted, { group: ConsumerGroups.saga })
  onDeliveryStarted(event: EventOf<typeof DeliveryStarted>, em: EntityManager) {
    return this.saga.record(em, event);
  }

  @OnEvent(DeliveryCanceled, { group: ConsumerGroups.saga })
  onDeliveryCanceled(event: EventOf<typeof DeliveryCanceled>, em: EntityManager) {
    return this.saga.record(em, event);
  }

  @OnEvent(DeliveryCompleted, { group: ConsumerGroups.saga })
  onDeliveryCompleted(event: EventOf<typeof DeliveryCompleted>, em: EntityManager) {
    return this.saga.record(em, event);
  }
}
