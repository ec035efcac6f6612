import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventOf, OrderCanceled, OrderPlaced } from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { Payments } from '../application/payments';
import { PAYMENT_GROUP } from '../consumer-group';

/** order.events.v1 → a placed order is charged (once its points are reserved, when it spends any), a canceled one paid back or voided. */
@Controller()
export class OrderEventsHandler {
  constructor(private readonly payments: Payments) {}

  @EventPattern({ group: PAYMENT_GROUP, event: OrderPlaced.type })
  onOrderPlaced(@Payload() event: EventOf<typeof OrderPlaced>, @Ctx() ctx: EventContext) {
    return this.payments.orderPlaced(ctx.getWork(), event.payload);
  }

  @EventPattern({ group: PAYMENT_GROUP, event: OrderCanceled.type })
  onOrderCanceled(@Payload() event: EventOf<typeof OrderCanceled>, @Ctx() ctx: EventContext) {
    return this.payments.refund(ctx.getWork(), event.payload, 'ORDER_CANCELED');
  }
}
