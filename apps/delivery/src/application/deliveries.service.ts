import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '@homestore/auth';
import { DeliveryCanceled, DeliveryCompleted, DeliveryStarted, OrderAcceptedPayload } from '@homestore/events';
import { Outbox } from '@homestore/messaging';
import { Delivery, DeliveryFact } from '../domain/delivery';
import { deliveryNotFound, deliveryNotStarted } from '../domain/delivery.errors';
import { DeliveryRepository } from '../infrastructure/delivery.repository';

export interface DeliveryView {
  orderId: string;
  status: 'STARTED' | 'CANCELED' | 'COMPLETED';
  address: string;
  updatedAt: string;
}

/** Deliveries: every change holds the order's lock and commits with the event announcing it (and the inbox row). */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deliveries: DeliveryRepository,
    private readonly outbox: Outbox,
  ) {}

  async startFor(em: EntityManager, order: OrderAcceptedPayload): Promise<void> {
    const accepted = { deliveryId: randomUUID(), orderId: order.orderId, customerId: order.customerId, address: order.deliveryAddress, phone: order.deliveryPhone };
    const started = Delivery.start(await this.deliveries.lockForOrder(em, order.orderId), accepted);
    if (!started) return;
    await this.deliveries.save(em, started.delivery);
    await this.announce(em, started.delivery, started.fact);
  }

  /** Cancels a delivery under way, or leaves a tombstone so that a later OrderAccepted starts nothing. */
  async cancelFor(em: EntityManager, orderId: string, customerId: string): Promise<void> {
    const delivery = await this.deliveries.lockForOrder(em, orderId);
    if (!delivery) return this.deliveries.save(em, Delivery.voided(randomUUID(), orderId, customerId));
    const fact = delivery.cancel();
    if (!fact) return;
    await this.deliveries.save(em, delivery);
    await this.announce(em, delivery, fact);
  }

  /** 409 DELIVERY.NOT_STARTED unless the delivery is under way (or already completed, which is a no-op). */
  async complete(orderId: string): Promise<DeliveryView> {
    if (!isUUID(orderId)) throw deliveryNotStarted('NONE');
    return this.dataSource.transaction(async (em) => {
      const delivery = await this.deliveries.lockForOrder(em, orderId);
      if (!delivery) throw deliveryNotStarted('NONE');
      const result = delivery.complete();
      if (!result.ok) throw deliveryNotStarted(result.status);
      if (result.fact) {
        await this.deliveries.save(em, delivery);
        await this.announce(em, delivery, result.fact);
      }
      return this.view(em, orderId);
    });
  }

  /** The owner or the store; anyone else, an unknown order and a tombstone are 404. */
  async ofOrder(orderId: string, user: AuthUser): Promise<DeliveryView> {
    if (!isUUID(orderId)) throw deliveryNotFound();
    const d = await this.deliveries.findByOrder(this.dataSource.manager, orderId);
    if (!d || (user.role !== 'store' && d.customerId !== user.id)) throw deliveryNotFound();
    return this.view(this.dataSource.manager, orderId);
  }

  private async view(em: EntityManager, orderId: string): Promise<DeliveryView> {
    const d = await this.deliveries.findByOrder(em, orderId);
    if (!d || d.status === 'VOIDED') throw deliveryNotFound();
    return { orderId: d.orderId, status: d.status, address: d.address!, updatedAt: d.updatedAt.toISOString() };
  }

  private async announce(em: EntityManager, delivery: Delivery, fact: DeliveryFact): Promise<void> {
    const { deliveryId, orderId, customerId } = delivery.snapshot;
    const definition = { DeliveryStarted, DeliveryCanceled, DeliveryCompleted }[fact.type];
    await this.outbox.add(em, definition, { deliveryId, orderId, customerId });
  }
}
