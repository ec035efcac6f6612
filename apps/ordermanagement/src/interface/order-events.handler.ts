import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventOf, OrderCanceled } from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { StoreOrders } from '../application/store-orders';

/** order.events.v1 → the store cancels its order. */
@Controller()
export class OrderEventsHandler {
  constructor(private readonly storeOrders: StoreOrders) {}

  @EventPattern({ group: 'ordermanagement', event: OrderCanceled.type })
  onOrderCanceled(@Payload() event: EventOf<typeof OrderCanceled>, @Ctx() ctx: EventContext) {
    return this.storeOrders.cancel(ctx.getWork(), event.payload);
  }
}
