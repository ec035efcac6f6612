import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DeliveryStarted, OrderAcceptedPayload } from '@homestore/events';
import { Outbox } from '@homestore/messaging';
import type { UnitOfWork } from '@homestore/persistence';
import { Delivery } from '../domain/delivery';
import { DeliveryRepository } from '../infrastructure/delivery.repository';

/** The store accepted an order: its delivery starts, and DeliveryStarted commits with it. */
@Injectable()
export class StartDelivery {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly outbox: Outbox,
  ) {}

  /** Starts the order's delivery, unless it has one already (a redelivery) or was canceled first (a tombstone). */
  async execute(work: UnitOfWork, order: OrderAcceptedPayload): Promise<void> {
    const existing = await this.deliveries.load(work, order.orderId);
    const started = Delivery.start(existing ?? null, {
      deliveryId: randomUUID(),
      orderId: order.orderId,
      customerId: order.customerId,
      address: order.deliveryAddress,
      phone: order.deliveryPhone,
    });
    if (!started) return;
    this.deliveries.save(work, started.delivery);
    const { deliveryId, orderId, customerId } = started.delivery.snapshot;
    this.outbox.add(work, [{ definition: DeliveryStarted, payload: { deliveryId, orderId, customerId } }]);
  }
}
