import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventOf, UserRegistered } from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { MileageSaga } from '../application/mileage-saga';
import { MILEAGE_GROUP } from '../consumer-group';

/** user.events.v1 → a new customer's wallet opens with the welcome points. */
@Controller()
export class UserEventsHandler {
  constructor(private readonly mileage: MileageSaga) {}

  @EventPattern({ group: MILEAGE_GROUP, event: UserRegistered.type })
  onUserRegistered(@Payload() event: EventOf<typeof UserRegistered>, @Ctx() ctx: EventContext) {
    return this.mileage.welcome(ctx.getWork(), event.payload);
  }
}
