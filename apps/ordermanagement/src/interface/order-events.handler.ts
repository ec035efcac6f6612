import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventEnvelope, EventOf, OrderCanceled, OrderCanceledPayload, PaymentApproved, PaymentApprovedPayload } from '@homestore/events';
import { OnEvent, OnEventRun } from '@homestore/messaging';
import { StoreOrderNews, StoreOrders } from '../application/store-orders';

/** What one of the saga's events tells the store. */
const newsOf = (event: EventEnvelope<PaymentApprovedPayload | OrderCanceledPayload>): StoreOrderNews =>
  event.eventType === PaymentApproved.type
    ? { paid: event.payload as PaymentApprovedPayload, cause: event }
    : { canceled: event.payload as OrderCanceledPayload, cause: event };

/** The saga's events the store acts on (consumer group `ordermanagement`): one at a time, or a run of them at once. */
@Injectable()
export class OrderEventsHandler {
  constructor(private readonly storeOrders: StoreOrders) {}

  @OnEvent(PaymentApproved)
  onPaymentApproved(event: EventOf<typeof PaymentApproved>, em: EntityManager): Promise<void> {
    return this.storeOrders.handleAll(em, [newsOf(event)]);
  }

  @OnEvent(OrderCanceled)
  onOrderCanceled(event: EventOf<typeof OrderCanceled>, em: EntityManager): Promise<void> {
    return this.storeOrders.handleAll(em, [newsOf(event)]);
  }

  @OnEventRun()
  onEvents(events: EventEnvelope<PaymentApprovedPayload | OrderCanceledPayload>[], em: EntityManager): Promise<void> {
    return this.storeOrders.handleAll(em, events.map(newsOf));
  }
}
