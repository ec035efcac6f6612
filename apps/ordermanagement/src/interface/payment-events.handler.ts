import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventOf, PaymentApproved } from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { StoreOrders } from '../application/store-orders';

/** payment.events.v1 → the store receives the paid order. */
@Controller()
export class PaymentEventsHandler {
  constructor(private readonly storeOrders: StoreOrders) {}

  @EventPattern({ group: 'ordermanagement', event: PaymentApproved.type })
  onPaymentApproved(@Payload() event: EventOf<typeof PaymentApproved>, @Ctx() ctx: EventContext) {
    return this.storeOrders.receive(ctx.getWork(), event.payload);
  }
}
