import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  EventEnvelope,
  EventOf,
  OrderCanceled,
  OrderCanceledPayload,
  OrderPlaced,
  OrderPlacedPayload,
  StockReservationFailed,
  StockReservationFailedPayload,
} from '@homestore/events';
import { OnEvent, OnEventRun } from '@homestore/messaging';
import { PaymentRequest } from '../application/payment-requests';
import { PaymentsService } from '../application/payments.service';

type OrderEvent = EventEnvelope<OrderPlacedPayload | OrderCanceledPayload | StockReservationFailedPayload>;

/** What one order event asks of payment: a placed order is charged, a canceled or unsuppliable one paid back. */
const requestOf = (event: OrderEvent): PaymentRequest => {
  if (event.eventType === OrderPlaced.type) return { charge: event.payload as OrderPlacedPayload, cause: event };
  const { orderId, customerId } = event.payload;
  return { refund: { orderId, customerId, cause: event.eventType === OrderCanceled.type ? 'ORDER_CANCELED' : 'OUT_OF_STOCK' }, cause: event };
};

/** Consumer group `payment`: charges placed orders, refunds canceled or unsuppliable ones; one at a time, or a run at once. */
@Injectable()
export class OrderEventsHandler {
  constructor(private readonly payments: PaymentsService) {}

  @OnEvent(OrderPlaced)
  onOrderPlaced(event: EventOf<typeof OrderPlaced>, em: EntityManager): Promise<void> {
    return this.payments.handleAll(em, [requestOf(event)]);
  }

  @OnEvent(OrderCanceled)
  onOrderCanceled(event: EventOf<typeof OrderCanceled>, em: EntityManager): Promise<void> {
    return this.payments.handleAll(em, [requestOf(event)]);
  }

  @OnEvent(StockReservationFailed)
  onStockReservationFailed(event: EventOf<typeof StockReservationFailed>, em: EntityManager): Promise<void> {
    return this.payments.handleAll(em, [requestOf(event)]);
  }

  @OnEventRun()
  onEvents(events: OrderEvent[], em: EntityManager): Promise<void> {
    return this.payments.handleAll(em, events.map(requestOf));
  }
}
