import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DeliveryCanceled,
  DeliveryCompleted,
  DeliveryStarted,
  EventOf,
  PaymentFailed,
  PaymentRefunded,
  StockReservationFailed,
  UserProfileUpdated,
  UserRegistered,
} from '@homestore/events';
import { OnEvent } from '@homestore/messaging';
import { MessagesService } from './messages.service';
import { Notices } from './notices';

/** Consumer group `message`: the contact replica from user events, a notification from saga events. */
@Injectable()
export class MessageEventsHandler {
  constructor(private readonly messages: MessagesService) {}

  @OnEvent(UserRegistered)
  async onUserRegistered(event: EventOf<typeof UserRegistered>, em: EntityManager): Promise<void> {
    const { userId, email, name, phone } = event.payload;
    await this.messages.keepContact(em, userId, { email, name, phone });
    await this.messages.notify(em, event, Notices.userRegistered(event.payload));
  }

  @OnEvent(UserProfileUpdated)
  onUserProfileUpdated({ payload: { userId, email, name, phone } }: EventOf<typeof UserProfileUpdated>, em: EntityManager): Promise<void> {
    return this.messages.keepContact(em, userId, { email, name, phone });
  }

  @OnEvent(PaymentFailed)
  onPaymentFailed(event: EventOf<typeof PaymentFailed>, em: EntityManager): Promise<void> {
    return this.messages.notify(em, event, Notices.paymentFailed(event.payload));
  }

  @OnEvent(StockReservationFailed)
  onStockReservationFailed(event: EventOf<typeof StockReservationFailed>, em: EntityManager): Promise<void> {
    return this.messages.notify(em, event, Notices.stockReservationFailed(event.payload));
  }

  @OnEvent(PaymentRefunded)
  onPaymentRefunded(event: EventOf<typeof PaymentRefunded>, em: EntityManager): Promise<void> {
    return this.messages.notify(em, event, Notices.paymentRefunded(event.payload));
  }

  @OnEvent(DeliveryStarted)
  onDeliveryStarted(event: EventOf<typeof DeliveryStarted>, em: EntityManager): Promise<void> {
    return this.messages.notify(em, event, Notices.deliveryStarted(event.payload));
  }

  @OnEvent(DeliveryCanceled)
  onDeliveryCanceled(event: EventOf<typeof DeliveryCanceled>, em: EntityManager): Promise<void> {
    return this.messages.notify(em, event, Notices.deliveryCanceled(event.payload));
  }

  @OnEvent(DeliveryCompleted)
  onDeliveryCompleted(event: EventOf<typeof DeliveryCompleted>, em: EntityManager): Promise<void> {
    return this.messages.notify(em, event, Notices.deliveryCompleted(event.payload));
  }
}
