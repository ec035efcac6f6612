import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DeliveryCanceled,
  DeliveryCompleted,
  DeliveryStarted,
  EventEnvelope,
  EventOf,
  PaymentFailed,
  PaymentRefunded,
  StockReservationFailed,
  UserProfileUpdated,
  UserRegistered,
} from '@homestore/events';
import { OnEvent, OnEventRun } from '@homestore/messaging';
import { MessageNews } from './message-news';
import { MessagesService } from './messages.service';
import { Notice, Notices } from './notices';

/** A notice as news, when the event gives one. */
const noticeOf = ({ eventId, occurredAt }: EventEnvelope<unknown>, notice: Notice | null): MessageNews[] => (notice ? [{ notice, eventId, occurredAt }] : []);

/** What each event the group handles tells the message service: user events a contact (and a welcome), saga events a notice. */
const NEWS: Record<string, (event: EventEnvelope<any>) => MessageNews[]> = {
  [UserRegistered.type]: (e: EventOf<typeof UserRegistered>) => {
    const { userId, email, name, phone } = e.payload;
    return [{ userId, contact: { email, name, phone } }, ...noticeOf(e, Notices.userRegistered(e.payload))];
  },
  [UserProfileUpdated.type]: ({ payload: { userId, email, name, phone } }: EventOf<typeof UserProfileUpdated>) => [{ userId, contact: { email, name, phone } }],
  [PaymentFailed.type]: (e: EventOf<typeof PaymentFailed>) => noticeOf(e, Notices.paymentFailed(e.payload)),
  [StockReservationFailed.type]: (e: EventOf<typeof StockReservationFailed>) => noticeOf(e, Notices.stockReservationFailed(e.payload)),
  [PaymentRefunded.type]: (e: EventOf<typeof PaymentRefunded>) => noticeOf(e, Notices.paymentRefunded(e.payload)),
  [DeliveryStarted.type]: (e: EventOf<typeof DeliveryStarted>) => noticeOf(e, Notices.deliveryStarted(e.payload)),
  [DeliveryCanceled.type]: (e: EventOf<typeof DeliveryCanceled>) => noticeOf(e, Notices.deliveryCanceled(e.payload)),
  [DeliveryCompleted.type]: (e: EventOf<typeof DeliveryCompleted>) => noticeOf(e, Notices.deliveryCompleted(e.payload)),
};

const newsOf = (event: EventEnvelope<unknown>): MessageNews[] => NEWS[event.eventType](event);

/** Consumer group `message`: the contact replica from user events, a notification from saga events; one at a time, or a run at once. */
@Injectable()
export class MessageEventsHandler {
  constructor(private readonly messages: MessagesService) {}

  @OnEvent(UserRegistered)
  onUserRegistered(event: EventOf<typeof UserRegistered>, em: EntityManager): Promise<void> {
    return this.messages.handleAll(em, newsOf(event));
  }

  @OnEvent(UserProfileUpdated)
  onUserProfileUpdated(event: EventOf<typeof UserProfileUpdated>, em: EntityManager): Promise<void> {
    return this.messages.handleAll(em, newsOf(event));
  }

  @OnEvent(PaymentFailed)
  onPaymentFailed(event: EventOf<typeof PaymentFailed>, em: EntityManager): Promise<void> {
    return this.messages.handleAll(em, newsOf(event));
  }

  @OnEvent(StockReservationFailed)
  onStockReservationFailed(event: EventOf<typeof StockReservationFailed>, em: EntityManager): Promise<void> {
    return this.messages.handleAll(em, newsOf(event));
  }

  @OnEvent(PaymentRefunded)
  onPaymentRefunded(event: EventOf<typeof PaymentRefunded>, em: EntityManager): Promise<void> {
    return this.messages.handleAll(em, newsOf(event));
  }

  @OnEvent(DeliveryStarted)
  onDeliveryStarted(event: EventOf<typeof DeliveryStarted>, em: EntityManager): Promise<void> {
    return this.messages.handleAll(em, newsOf(event));
  }

  @OnEvent(DeliveryCanceled)
  onDeliveryCanceled(event: EventOf<typeof DeliveryCanceled>, em: EntityManager): Promise<void> {
    return this.messages.handleAll(em, newsOf(event));
  }

  @OnEvent(DeliveryCompleted)
  onDeliveryCompleted(event: EventOf<typeof DeliveryCompleted>, em: EntityManager): Promise<void> {
    return this.messages.handleAll(em, newsOf(event));
  }

  @OnEventRun()
  onEvents(events: EventEnvelope<unknown>[], em: EntityManager): Promise<void> {
    return this.messages.handleAll(em, events.flatMap(newsOf));
  }
}
