import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventOf, PaymentApproved, PaymentFailed } from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { MileageSaga } from '../application/mileage-saga';
import { MILEAGE_GROUP } from '../consumer-group';

/** payment.events.v1 → what was charged (1 % of it is earned on delivery); a declined order's points come back. */
@Controller()
export class PaymentEventsHandler {
  constructor(private readonly mileage: MileageSaga) {}

  @EventPattern({ group: MILEAGE_GROUP, event: PaymentApproved.type })
  onPaymentApproved(@Payload() event: EventOf<typeof PaymentApproved>, @Ctx() ctx: EventContext) {
    return this.mileage.record(ctx.getWork(), event.payload, (order, wallet) => order.charged(event.payload.amount, wallet));
  }

  @EventPattern({ group: MILEAGE_GROUP, event: PaymentFailed.type })
  onPaymentFailed(@Payload() event: EventOf<typeof PaymentFailed>, @Ctx() ctx: EventContext) {
    return this.mileage.record(ctx.getWork(), event.payload, (order, wallet) => order.ended('REJECTED', wallet));
  }
}
