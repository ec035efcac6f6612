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
import { MessagesService } from './messages.service';
import { Notices } from './notices';

/** Consumer group `message`: the contact replica from user events, a notification from saga events. */
@Injectable()
export class MessageEventsHandler {
  constructor(private readonly messages: MessagesService) {}

  /**
   * A run holds events of many customers: it takes all their locks first, in one order, so that two runs never
   * deadlock on each other's customers; then each event is handled as on its own.
   */
  @OnEventRun()
  async onEvents(events: EventEnvelope<unknown>[], em: EntityManager, handleOne: (event: EventEnvelope<unknown>) => Promise<void>): Promise<void> {
    await this.messages.lockCustomers(em, events.map(customerOf));
    for (const event of events) await handleOne(event);
  }

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

/** The customer an event is about: user events carry userId, saga events customerId. */
function customerOf(event: EventEnvelope<unknown>): string {
  const payload = event.payload as { userId?: string; customerId?: string };
  return payload.customerId ?? payload.userId ?? '';
}
