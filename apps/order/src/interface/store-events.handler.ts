import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventOf, OrderAccepted, StockReservationFailed, StoreOrderCanceled, StoreOrderReceived } from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { OrderSaga } from '../application/order-saga';
import { ConsumerGroups } from '../consumer-groups';

/** store.events.v1 → the order's store fact. */
@Controller()
export class StoreEventsHandler {
  constructor(private readonly saga: OrderSaga) {}

  @EventPattern({ group: ConsumerGroups.saga, event: StoreOrderReceived.type })
  onStoreOrderReceived(@Payload() event: EventOf<typeof StoreOrderReceived>, @Ctx() ctx: EventContext) {
    return this.saga.record(ctx.getWork(), event.payload.orderId, (order) => order.storeOrderReceived());
  }

  @EventPattern({ group: ConsumerGroups.saga, event: StockReservationFailed.type })
  onStockReservationFailed(@Payload() event: EventOf<typeof StockReservationFailed>, @Ctx() ctx: EventContext) {
    return this.saga.record(ctx.getWork(), event.payload.orderId, (order) => order.stockReservationFailed());
  }

  @EventPattern({ group: ConsumerGroups.saga, event: OrderAccepted.type })
  onOrderAccepted(@Payload() event: EventOf<typeof OrderAccepted>, @Ctx() ctx: EventContext) {
    return this.saga.record(ctx.getWork(), event.payload.orderId, (order) => order.acceptedByStore());
  }

  @EventPattern({ group: ConsumerGroups.saga, event: StoreOrderCanceled.type })
  onStoreOrderCanceled(@Payload() event: EventOf<typeof StoreOrderCanceled>, @Ctx() ctx: EventContext) {
    return this.saga.record(ctx.getWork(), event.payload.orderId, (order) => order.storeOrderCanceled());
  }
}
