import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventOf, OrderAccepted, StockReservationFailed, StoreOrderCanceled, StoreOrderReceived } from '@homestore/events';
import { OnEvent } from '@homestore/messaging';
import { OrderSaga } from '../application/order-saga';
import { ConsumerGroups } from '../consumer-groups';

/** store.events.v1 → the order's store fact. */
@Injectable()
export class StoreEventsHandler {
  constructor(private readonly saga: OrderSaga) {}

  @OnEvent(StoreOrderReceived, { group: ConsumerGroups.saga })
  onStoreOrderReceived(event: EventOf<typeof StoreOrderReceived>, em: EntityManager) {
    return this.saga.record(em, event);
  }

  @OnEvent(StockReservationFailed, { group: ConsumerGroups.saga })
  onStockReservationFailed(event: EventOf<typeof StockReservationFailed>, em: EntityManager) {
    return this.saga.record(em, event);
  }

  @OnEvent(OrderAccepted, { group: ConsumerGroups.saga })
  onOrderAccepted(event: EventOf<typeof OrderAccepted>, em: EntityManager) {
    return this.saga.record(em, event);
  }

  @OnEvent(StoreOrderCanceled, { group: ConsumerGroups.saga })
  onStoreOrderCanceled(event: EventOf<typeof StoreOrderCanceled>, em: EntityManager) {
    return this.saga.record(em, event);
  }
}
