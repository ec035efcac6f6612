import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  DeliveryCanceled,
  DeliveryCompleted,
  DeliveryStarted,
  EventOf,
  PaymentFailed,
  PaymentRefunded,
  PaymentVoided,
  StockReservationFailed,
  UserProfileUpdated,
  UserRegistered,
} from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { MessagesService } from './messages.service';
import { Notices } from './notices';

/** The message service's consumer group (CONSUMER_GROUP_PREFIX comes before it when set). */
const GROUP = 'message';

/** user.events.v1 → the contact replica (and the welcome); payment, store and delivery events → the customer's notice. */
@Controller()
export class MessageEventsHandler {
  constructor(private readonly messages: MessagesService) {}

  @EventPattern({ group: GROUP, event: UserRegistered.type })
  onUserRegistered(@Payload() event: EventOf<typeof UserRegistered>, @Ctx() ctx: EventContext) {
    return this.messages.userRegistered(ctx.getWork(), event);
  }

  @EventPattern({ group: GROUP, event: UserProfileUpdated.type })
  onUserProfileUpdated(@Payload() event: EventOf<typeof UserProfileUpdated>, @Ctx() ctx: EventContext) {
    return this.messages.userProfileUpdated(ctx.getWork(), event);
  }

  @EventPattern({ group: GROUP, event: PaymentFailed.type })
  onPaymentFailed(@Payload() event: EventOf<typeof PaymentFailed>, @Ctx() ctx: EventContext) {
    return this.messages.notify(ctx.getWork(), event, Notices.paymentFailed(event.payload));
  }

  @EventPattern({ group: GROUP, event: StockReservationFailed.type })
  onStockReservationFailed(@Payload() event: EventOf<typeof StockReservationFailed>, @Ctx() ctx: EventContext) {
    return this.messages.notify(ctx.getWork(), event, Notices.stockReservationFailed(event.payload));
  }

  @EventPattern({ group: GROUP, event: PaymentRefunded.type })
  onPaymentRefunded(@Payload() event: EventOf<typeof PaymentRefunded>, @Ctx() ctx: EventContext) {
    return this.messages.notify(ctx.getWork(), event, Notices.paymentRefunded(event.payload));
  }

  @EventPattern({ group: GROUP, event: PaymentVoided.type })
  onPaymentVoided(@Payload() event: EventOf<typeof PaymentVoided>, @Ctx() ctx: EventContext) {
    return this.messages.notify(ctx.getWork(), event, Notices.paymentVoided(event.payload));
  }

  @EventPattern({ group: GROUP, event: DeliveryStarted.type })
  onDeliveryStarted(@Payload() event: EventOf<typeof DeliveryStarted>, @Ctx() ctx: EventContext) {
    return this.messages.notify(ctx.getWork(), event, Notices.deliveryStarted(event.payload));
  }

  @EventPattern({ group: GROUP, event: DeliveryCanceled.type })
  onDeliveryCanceled(@Payload() event: EventOf<typeof DeliveryCanceled>, @Ctx() ctx: EventContext) {
    return this.messages.notify(ctx.getWork(), event, Notices.deliveryCanceled(event.payload));
  }

  @EventPattern({ group: GROUP, event: DeliveryCompleted.type })
  onDeliveryCompleted(@Payload() event: EventOf<typeof DeliveryCompleted>, @Ctx() ctx: EventContext) {
    return this.messages.notify(ctx.getWork(), event, Notices.deliveryCompleted(event.payload));
  }
}
