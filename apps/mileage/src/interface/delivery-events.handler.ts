import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DeliveryCompleted, EventOf } from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { MileageSaga } from '../application/mileage-saga';
import { MILEAGE_GROUP } from '../consumer-group';

/** delivery.events.v1 → a delivered order earns 1 % of what it charged. */
@Controller()
export class DeliveryEventsHandler {
  constructor(private readonly mileage: MileageSaga) {}

  @EventPattern({ group: MILEAGE_GROUP, event: DeliveryCompleted.type })
  onDeliveryCompleted(@Payload() event: EventOf<typeof DeliveryCompleted>, @Ctx() ctx: EventContext) {
    return this.mileage.record(ctx.getWork(), event.payload, (order, wallet) => order.delivered(wallet));
  }
}
