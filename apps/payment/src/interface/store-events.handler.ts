import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventOf, StockReservationFailed } from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { Payments } from '../application/payments';
import { PAYMENT_GROUP } from '../consumer-group';

/** store.events.v1 → an order the store could not supply is paid back. */
@Controller()
export class StoreEventsHandler {
  constructor(private readonly payments: Payments) {}

  @EventPattern({ group: PAYMENT_GROUP, event: StockReservationFailed.type })
  onStockReservationFailed(@Payload() event: EventOf<typeof StockReservationFailed>, @Ctx() ctx: EventContext) {
    return this.payments.refund(ctx.getWork(), event.payload, 'OUT_OF_STOCK');
  }
}
