import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventOf, PointsReleased, PointsReservationFailed, PointsReserved } from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { OrderSaga } from '../application/order-saga';
import { ConsumerGroups } from '../consumer-groups';

/** mileage.events.v1 → the order's points fact (the wallet's events name their order; PointsEarned is myPage's). */
@Controller()
export class MileageEventsHandler {
  constructor(private readonly saga: OrderSaga) {}

  @EventPattern({ group: ConsumerGroups.saga, event: PointsReserved.type })
  onPointsReserved(@Payload() event: EventOf<typeof PointsReserved>, @Ctx() ctx: EventContext) {
    return this.saga.record(ctx.getWork(), event.payload.orderId, (order) => order.pointsReserved());
  }

  @EventPattern({ group: ConsumerGroups.saga, event: PointsReservationFailed.type })
  onPointsReservationFailed(@Payload() event: EventOf<typeof PointsReservationFailed>, @Ctx() ctx: EventContext) {
    return this.saga.record(ctx.getWork(), event.payload.orderId, (order) => order.pointsReservationFailed());
  }

  @EventPattern({ group: ConsumerGroups.saga, event: PointsReleased.type })
  onPointsReleased(@Payload() event: EventOf<typeof PointsReleased>, @Ctx() ctx: EventContext) {
    return this.saga.record(ctx.getWork(), event.payload.orderId, (order) => order.pointsReleased());
  }
}
