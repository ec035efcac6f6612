import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventOf, OrderCanceled, OrderPlaced } from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { MileageSaga } from '../application/mileage-saga';
import { MILEAGE_GROUP } from '../consumer-group';

/** order.events.v1 → a placed order's points are reserved (orders of before points spend none); a canceled one's come back. */
@Controller()
export class OrderEventsHandler {
  constructor(private readonly mileage: MileageSaga) {}

  @EventPattern({ group: MILEAGE_GROUP, event: OrderPlaced.type })
  onOrderPlaced(@Payload() event: EventOf<typeof OrderPlaced>, @Ctx() ctx: EventContext) {
    return this.mileage.record(ctx.getWork(), event.payload, (order, wallet) => order.placed(event.payload.pointsUsed ?? 0, wallet));
  }

  @EventPattern({ group: MILEAGE_GROUP, event: OrderCanceled.type })
  onOrderCanceled(@Payload() event: EventOf<typeof OrderCanceled>, @Ctx() ctx: EventContext) {
    return this.mileage.record(ctx.getWork(), event.payload, (order, wallet) => order.ended('CANCELED', wallet));
  }
}
