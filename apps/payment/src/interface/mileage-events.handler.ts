import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventOf, PointsReservationFailed, PointsReserved } from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { Payments } from '../application/payments';
import { PAYMENT_GROUP } from '../consumer-group';

/** mileage.events.v1 → an order's points are taken (its charge goes ahead) or could not be (it is never charged). */
@Controller()
export class MileageEventsHandler {
  constructor(private readonly payments: Payments) {}

  @EventPattern({ group: PAYMENT_GROUP, event: PointsReserved.type })
  onPointsReserved(@Payload() event: EventOf<typeof PointsReserved>, @Ctx() ctx: EventContext) {
    return this.payments.pointsReserved(ctx.getWork(), event.payload);
  }

  @EventPattern({ group: PAYMENT_GROUP, event: PointsReservationFailed.type })
  onPointsReservationFailed(@Payload() event: EventOf<typeof PointsReservationFailed>, @Ctx() ctx: EventContext) {
    return this.payments.pointsReservationFailed(ctx.getWork(), event.payload);
  }
}
