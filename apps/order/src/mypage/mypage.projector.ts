import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  DeliveryCanceled,
  DeliveryCompleted,
  DeliveryStarted,
  EventOf,
  OrderAccepted,
  OrderCanceled,
  OrderPlaced,
  PaymentApproved,
  PaymentFailed,
  PaymentRefundFailed,
  PaymentRefunded,
  PaymentVoided,
  PointsEarned,
  PointsReleased,
  PointsReservationFailed,
  PointsReserved,
  StockReservationFailed,
  StoreOrderCanceled,
  StoreOrderReceived,
} from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { ConsumerGroups } from '../consumer-groups';
import { MyPageStore } from './mypage.store';

/**
 * Feeds myPage from events only — the order service's own OrderPlaced and OrderCanceled included, read back from
 * order.events.v1 — in its own consumer group, so the read model never shares a transaction with the orders. Every
 * event goes through the same projection (mypage-projection.ts); one method per event says which ones myPage takes.
 */
@Controller()
export class MyPageProjector {
  constructor(private readonly myPage: MyPageStore) {}

  @EventPattern({ group: ConsumerGroups.myPage, event: OrderPlaced.type })
  onOrderPlaced(@Payload() event: EventOf<typeof OrderPlaced>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  @EventPattern({ group: ConsumerGroups.myPage, event: OrderCanceled.type })
  onOrderCanceled(@Payload() event: EventOf<typeof OrderCanceled>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  @EventPattern({ group: ConsumerGroups.myPage, event: PaymentApproved.type })
  onPaymentApproved(@Payload() event: EventOf<typeof PaymentApproved>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  @EventPattern({ group: ConsumerGroups.myPage, event: PaymentFailed.type })
  onPaymentFailed(@Payload() event: EventOf<typeof PaymentFailed>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  @EventPattern({ group: ConsumerGroups.myPage, event: PaymentRefunded.type })
  onPaymentRefunded(@Payload() event: EventOf<typeof PaymentRefunded>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  @EventPattern({ group: ConsumerGroups.myPage, event: PaymentRefundFailed.type })
  onPaymentRefundFailed(@Payload() event: EventOf<typeof PaymentRefundFailed>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  @EventPattern({ group: ConsumerGroups.myPage, event: PaymentVoided.type })
  onPaymentVoided(@Payload() event: EventOf<typeof PaymentVoided>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  @EventPattern({ group: ConsumerGroups.myPage, event: StoreOrderReceived.type })
  onStoreOrderReceived(@Payload() event: EventOf<typeof StoreOrderReceived>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  @EventPattern({ group: ConsumerGroups.myPage, event: StockReservationFailed.type })
  onStockReservationFailed(@Payload() event: EventOf<typeof StockReservationFailed>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  @EventPattern({ group: ConsumerGroups.myPage, event: OrderAccepted.type })
  onOrderAccepted(@Payload() event: EventOf<typeof OrderAccepted>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  @EventPattern({ group: ConsumerGroups.myPage, event: StoreOrderCanceled.type })
  onStoreOrderCanceled(@Payload() event: EventOf<typeof StoreOrderCanceled>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  @EventPattern({ group: ConsumerGroups.myPage, event: DeliveryStarted.type })
  onDeliveryStarted(@Payload() event: EventOf<typeof DeliveryStarted>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  @EventPattern({ group: ConsumerGroups.myPage, event: DeliveryCanceled.type })
  onDeliveryCanceled(@Payload() event: EventOf<typeof DeliveryCanceled>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  @EventPattern({ group: ConsumerGroups.myPage, event: DeliveryCompleted.type })
  onDeliveryCompleted(@Payload() event: EventOf<typeof DeliveryCompleted>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  @EventPattern({ group: ConsumerGroups.myPage, event: PointsReserved.type })
  onPointsReserved(@Payload() event: EventOf<typeof PointsReserved>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  @EventPattern({ group: ConsumerGroups.myPage, event: PointsReservationFailed.type })
  onPointsReservationFailed(@Payload() event: EventOf<typeof PointsReservationFailed>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  @EventPattern({ group: ConsumerGroups.myPage, event: PointsReleased.type })
  onPointsReleased(@Payload() event: EventOf<typeof PointsReleased>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }

  /** The points a delivered order earned; the welcome points (no order) are skipped by the store, not dead-lettered. */
  @EventPattern({ group: ConsumerGroups.myPage, event: PointsEarned.type })
  onPointsEarned(@Payload() event: EventOf<typeof PointsEarned>, @Ctx() ctx: EventContext) {
    return this.myPage.apply(ctx.getWork(), event);
  }
}
