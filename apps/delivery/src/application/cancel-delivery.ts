import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DeliveryCanceled, StoreOrderCanceledPayload } from '@homestore/events';
import { Outbox } from '@homestore/messaging';
import type { UnitOfWork } from '@homestore/persistence';
import { Delivery } from '../domain/delivery';
import { DeliveryRepository } from '../infrastructure/delivery.repository';

/** The store canceled an order: its delivery is called off (DeliveryCanceled), or never starts (a tombstone). */
@Injectable()
export class CancelDelivery {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Cancels the order's delivery if it is under way; an order delivery has not seen accepted gets a VOIDED tombstone
   * so that a late OrderAccepted starts nothing; a canceled, completed or voided delivery stays as it is.
   */
  async execute(work: UnitOfWork, order: StoreOrderCanceledPayload): Promise<void> {
    const existing = await this.deliveries.load(work, order.orderId);
    const change = Delivery.cancelOrder(existing ?? null, { deliveryId: randomUUID(), orderId: order.orderId, customerId: order.customerId });
    if (!change) return;
    this.deliveries.save(work, change.delivery);
    if (!change.fact) return;
    const { deliveryId, orderId, customerId } = change.delivery.snapshot;
    this.outbox.add(work, [{ definition: DeliveryCanceled, payload: { deliveryId, orderId, customerId } }]);
  }
}
