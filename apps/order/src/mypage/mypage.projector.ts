import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DeliveryCanceled,
  DeliveryCompleted,
  DeliveryStarted,
  EventEnvelope,
  EventOf,
  OrderAccepted,
  OrderCanceled,
  OrderPlaced,
  PaymentApproved,
  PaymentFailed,
  PaymentRefundFailed,
  PaymentRefunded,
  StockReservationFailed,
  StoreOrderCanceled,
  StoreOrderReceived,
} from '@homestore/events';
import { OnEvent, OnEventRun } from '@homestore/messaging';
import { ConsumerGroups } from '../consumer-groups';
import { MyPageStore } from './mypage.store';

/**
 * Feeds myPage from events only — the order service's own OrderPlaced and OrderCanceled included, read back from
 * order.events.v1 — in its own consumer group, so the read model never shares a transaction with the orders.
 */
@Injectable()
export class MyPageProjector {
  constructor(private readonly store: MyPageStore) {}

  /** A run of new events (see below for which) is applied together: the same projection, a few statements. */
  @OnEventRun({ group: ConsumerGroups.myPage })
  onEvents(events: EventEnvelope<unknown>[], em: EntityManager) {
    return this.store.applyAll(em, events);
  }

  @OnEvent(OrderPlaced, { group: ConsumerGroups.myPage })
  onOrderPlaced(event: EventOf<typeof OrderPlaced>, em: EntityManager) {
    return this.store.apply(em, event);
  }

  @OnEvent(OrderCanceled, { group: ConsumerGroups.myPage })
  onOrderCanceled(event: EventOf<typeof OrderCanceled>, em: EntityManager) {
    return this.store.apply(em, event);
  }

  @OnEvent(PaymentApproved, { group: ConsumerGroups.myPage })
  onPaymentApproved(event: EventOf<typeof PaymentApproved>, em: EntityManager) {
    return this.store.apply(em, event);
  }

  @OnEvent(PaymentFailed, { group: ConsumerGroups.myPage })
  onPaymentFailed(event: EventOf<typeof PaymentFailed>, em: EntityManager) {
    return this.store.apply(em, event);
  }

  @OnEvent(PaymentRefunded, { group: ConsumerGroups.myPage })
  onPaymentRefunded(event: EventOf<typeof PaymentRefunded>, em: EntityManager) {
    return this.store.apply(em, event);
  }

  @OnEvent(PaymentRefundFailed, { group: ConsumerGroups.myPage })
  onPaymentRefundFailed(event: EventOf<typeof PaymentRefundFailed>, em: EntityManager) {
    return this.store.apply(em, event);
  }

  @OnEvent(StoreOrderReceived, { group: ConsumerGroups.myPage })
  onStoreOrderReceived(event: EventOf<typeof StoreOrderReceived>, em: EntityManager) {
    return this.store.apply(em, event);
  }

  @OnEvent(StockReservationFailed, { group: ConsumerGroups.myPage })
  onStockReservationFailed(event: EventOf<typeof StockReservationFailed>, em: EntityManager) {
    return this.store.apply(em, event);
  }

  @OnEvent(OrderAccepted, { group: ConsumerGroups.myPage })
  onOrderAccepted(event: EventOf<typeof OrderAccepted>, em: EntityManager) {
    return this.store.apply(em, event);
  }

  @OnEvent(StoreOrderCanceled, { group: ConsumerGroups.myPage })
  onStoreOrderCanceled(event: EventOf<typeof StoreOrderCanceled>, em: EntityManager) {
    return this.store.apply(em, event);
  }

  @OnEvent(DeliveryStarted, { group: ConsumerGroups.myPage })
  onDeliveryStarted(event: EventOf<typeof DeliveryStarted>, em: EntityManager) {
    return this.store.apply(em, event);
  }

  @OnEvent(DeliveryCanceled, { group: ConsumerGroups.myPage })
  onDeliveryCanceled(event: EventOf<typeof DeliveryCanceled>, em: EntityManager) {
    return this.store.apply(em, event);
  }

  @OnEvent(DeliveryCompleted, { group: ConsumerGroups.myPage })
  onDeliveryCompleted(event: EventOf<typeof DeliveryCompleted>, em: EntityManager) {
    return this.store.apply(em, event);
  }
}
