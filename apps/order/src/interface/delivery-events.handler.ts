import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DeliveryCanceled, DeliveryCompleted, DeliveryStarted, EventOf } from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { OrderSaga } from '../application/order-saga';
import { ConsumerGroups } from '../consumer-groups';

/** delivery.events.v1 → the order's delivery fact. */
@Controller()
export class DeliveryEventsHandler {
  constructor(private readonly saga: OrderSaga) {}

  @EventPattern({ group: ConsumerGroups.saga, event: DeliveryStarted.type })
  onDeliveryStarted(@Payload() event: EventOf<typeof DeliveryStarted>, @Ctx() ctx: EventContext) {
    return this.saga.record(ctx.getWork(), event.payload.orderId, (order) => order.deliveryStarted());
  }

  @EventPattern({ group: ConsumerGroups.saga, event: DeliveryCanceled.type })
  onDeliveryCanceled(@Payload() event: EventOf<typeof DeliveryCanceled>, @Ctx() ctx: EventContext) {
    return this.saga.record(ctx.getWork(), event.payload.orderId, (order) => order.deliveryCanceled());
  }

  @EventPattern({ group: ConsumerGroups.saga, event: DeliveryCompleted.type })
  onDeliveryCompleted(@Payload() event: EventOf<typeof DeliveryCompleted>, @Ctx() ctx: EventContext) {
    return this.saga.record(ctx.getWork(), event.payload.orderId, (order) => order.deliveryCompleted());
  }
}
