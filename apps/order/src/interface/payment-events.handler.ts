import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventOf, PaymentApproved, PaymentFailed, PaymentRefunded, PaymentRefundFailed } from '@homestore/events';
import { OnEvent } from '@homestore/messaging';
import { OrderSaga } from '../application/order-saga';
import { ConsumerGroups } from '../consumer-groups';

/** payment.events.v1 → the order's payment fact. */
@Injectable()
export class PaymentEventsHandler {
  constructor(private readonly saga: OrderSaga) {}

  @OnEvent(PaymentApproved, { group: ConsumerGroups.saga })
  onPaymentApproved(event: EventOf<typeof PaymentApproved>, em: EntityManager) {
    return this.saga.record(em, event);
  }

  @OnEvent(PaymentFailed, { group: ConsumerGroups.saga })
  onPaymentFailed(event: EventOf<typeof PaymentFailed>, em: EntityManager) {
    return this.saga.record(em, event);
  }

  @OnEvent(PaymentRefunded, { group: ConsumerGroups.saga })
  onPaymentRefunded(event: EventOf<typeof PaymentRefunded>, em: EntityManager) {
    return this.saga.record(em, event);
  }

  @OnEvent(PaymentRefundFailed, { group: ConsumerGroups.saga })
  onPaymentRefundFailed(event: EventOf<typeof PaymentRefundFailed>, em: EntityManager) {
    return this.saga.record(em, event);
  }
}
