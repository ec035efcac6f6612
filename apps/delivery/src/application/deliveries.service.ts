import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '@homestore/auth';
import {
  DeliveryCanceled,
  DeliveryCompleted,
  DeliveryStarted,
  EventEnvelope,
  OrderAccepted,
  OrderAcceptedPayload,
  StoreOrderCanceled,
  StoreOrderCanceledPayload,
} from '@homestore/events';
import { Outbox, PendingEvent, PermanentError } from '@homestore/messaging';
import { Delivery, DeliveryChange, DeliveryFact } from '../domain/delivery';
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

  /**
   * Follows what the store said about orders, event by event in the order given (so one order's events in the order
   * they happened), exactly as one at a time would: every order is locked and read at once, each event applied to
   * its delivery in memory, then every changed delivery is written in one statement and every fact announced in
   * one, so a run of any length costs four statements.
   */
  async followStore(em: EntityManager, events: StoreEvent[]): Promise<void> {
    const deliveries = await this.deliveries.lockForOrders(em, events.map((e) => e.payload.orderId));
    const changed = new Map<string, Delivery>();
    const announcements: PendingEvent[] = [];
    for (const event of events) {
      const { orderId } = event.payload;
      const change = applyStoreEvent(deliveries.get(orderId) ?? null, event);
      if (!change) continue;
      deliveries.set(orderId, change.delivery);
      changed.set(orderId, change.delivery);
      if (change.fact) announcements.push({ ...announcement(change.delivery, change.fact), cause: event });
    }
    await this.deliveries.saveAll(em, [...changed.values()]);
    // Each fact names the store event that caused it: its correlation and trace go on.
    await this.outbox.addAll(em, announcements);
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
        await this.outbox.addAll(em, [announcement(delivery, result.fact)]);
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
}

/** What the store says about an order: the clerk accepted it, or the store canceled it. */
export type StoreEvent = EventEnvelope<OrderAcceptedPayload> | EventEnvelope<StoreOrderCanceledPayload>;

/** The change a store event makes to the order's delivery (null: none). */
function applyStoreEvent(delivery: Delivery | null, event: StoreEvent): DeliveryChange | null {
  const deliveryId = randomUUID();
  switch (event.eventType) {
    case OrderAccepted.type: {
      const { orderId, customerId, deliveryAddress, deliveryPhone } = event.payload as OrderAcceptedPayload;
      return Delivery.start(delivery, { deliveryId, orderId, customerId, address: deliveryAddress, phone: deliveryPhone });
    }
    case StoreOrderCanceled.type: {
      const { orderId, customerId } = event.payload;
      return Delivery.cancelOrder(delivery, { deliveryId, orderId, customerId });
    }
    default:
      throw new PermanentError(`delivery does not follow ${event.eventType}`);
  }
}

/** The event announcing a delivery's fact. */
function announcement(delivery: Delivery, fact: DeliveryFact): PendingEvent {
  const { deliveryId, orderId, customerId } = delivery.snapshot;
  const definition = { DeliveryStarted, DeliveryCanceled, DeliveryCompleted }[fact.type];
  return { definition, payload: { deliveryId, orderId, customerId } };
}
