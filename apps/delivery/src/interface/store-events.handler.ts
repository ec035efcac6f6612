import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventOf, OrderAccepted, StoreOrderCanceled } from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { CancelDelivery } from '../application/cancel-delivery';
import { StartDelivery } from '../application/start-delivery';

/** store.events.v1 → the order's delivery (consumer group `delivery`). */
@Controller()
export class StoreEventsHandler {
  constructor(
    private readonly startDelivery: StartDelivery,
    private readonly cancelDelivery: CancelDelivery,
  ) {}

  @EventPattern({ group: 'delivery', event: OrderAccepted.type })
  onOrderAccepted(@Payload() event: EventOf<typeof OrderAccepted>, @Ctx() ctx: EventContext) {
    return this.startDelivery.execute(ctx.getWork(), event.payload);
  }

  @EventPattern({ group: 'delivery', event: StoreOrderCanceled.type })
  onStoreOrderCanceled(@Payload() event: EventOf<typeof StoreOrderCanceled>, @Ctx() ctx: EventContext) {
    return this.cancelDelivery.execute(ctx.getWork(), event.payload);
  }
}
