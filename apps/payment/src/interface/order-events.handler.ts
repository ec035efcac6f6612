import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventOf, OrderCanceled, OrderPlaced, StockReservationFailed } from '@homestore/events';
import { OnEvent } from '@homestore/messaging';
import { PaymentsService } from '../application/payments.service';

/** Consumer group `payment`: charges placed orders, refunds canceled or unsuppliable ones. */
@Injectable()
export class OrderEventsHandler {
  constructor(private readonly payments: PaymentsService) {}

  @OnEvent(OrderPlaced)
  onOrderPlaced(event: EventOf<typeof OrderPlaced>, em: EntityManager): Promise<void> {
    return this.payments.chargeOrder(em, event.payload);
  }

  @OnEvent(OrderCanceled)
  onOrderCanceled({ payload }: EventOf<typeof OrderCanceled>, em: EntityManager): Promise<void> {
    return this.payments.refundOrder(em, payload.orderId, payload.customerId, 'ORDER_CANCELED');
  }

  @OnEvent(StockReservationFailed)
  onStockReservationFailed({ payload }: EventOf<typeof StockReservationFailed>, em: EntityManager): Promise<void> {
    return this.payments.refundOrder(em, payload.orderId, payload.customerId, 'OUT_OF_STOCK');
  }
}
