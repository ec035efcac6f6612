import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventOf, StockReservationFailed } from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { MileageSaga } from '../application/mileage-saga';
import { MILEAGE_GROUP } from '../consumer-group';

/** store.events.v1 → an order the store could not supply is rejected: its points come back. */
@Controller()
export class StoreEventsHandler {
  constructor(private readonly mileage: MileageSaga) {}

  @EventPattern({ group: MILEAGE_GROUP, event: StockReservationFailed.type })
  onStockReservationFailed(@Payload() event: EventOf<typeof StockReservationFailed>, @Ctx() ctx: EventContext) {
    return this.mileage.record(ctx.getWork(), event.payload, (order, wallet) => order.ended('REJECTED', wallet));
  }
}
