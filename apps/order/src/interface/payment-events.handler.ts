import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventOf, PaymentApproved, PaymentFailed, PaymentRefunded, PaymentRefundFailed, PaymentVoided } from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { OrderSaga } from '../application/order-saga';
import { ConsumerGroups } from '../consumer-groups';

/** payment.events.v1 → the order's payment fact. */
@Controller()
export class PaymentEventsHandler {
  constructor(private readonly saga: OrderSaga) {}

  @EventPattern({ group: ConsumerGroups.saga, event: PaymentApproved.type })
  onPaymentApproved(@Payload() event: EventOf<typeof PaymentApproved>, @Ctx() ctx: EventContext) {
    return this.saga.record(ctx.getWork(), event.payload.orderId, (order) => order.paymentApproved());
  }

  @EventPattern({ group: ConsumerGroups.saga, event: PaymentFailed.type })
  onPaymentFailed(@Payload() event: EventOf<typeof PaymentFailed>, @Ctx() ctx: EventContext) {
    return this.saga.record(ctx.getWork(), event.payload.orderId, (order) => order.paymentFailed());
  }

  @EventPattern({ group: ConsumerGroups.saga, event: PaymentRefunded.type })
  onPaymentRefunded(@Payload() event: EventOf<typeof PaymentRefunded>, @Ctx() ctx: EventContext) {
    return this.saga.record(ctx.getWork(), event.payload.orderId, (order) => order.paymentRefunded());
  }

  @EventPattern({ group: ConsumerGroups.saga, event: PaymentRefundFailed.type })
  onPaymentRefundFailed(@Payload() event: EventOf<typeof PaymentRefundFailed>, @Ctx() ctx: EventContext) {
    return this.saga.record(ctx.getWork(), event.payload.orderId, (order) => order.paymentRefundFailed());
  }

  @EventPattern({ group: ConsumerGroups.saga, event: PaymentVoided.type })
  onPaymentVoided(@Payload() event: EventOf<typeof PaymentVoided>, @Ctx() ctx: EventContext) {
    return this.saga.record(ctx.getWork(), event.payload.orderId, (order) => order.paymentVoided());
  }
}
