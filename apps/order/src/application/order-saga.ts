import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@homestore/events';
import { PermanentError } from '@homestore/messaging';
import { PARTICIPANT_FACTS } from '../domain/participant-facts';
import { OrderRepository } from '../infrastructure/order.repository';

type ParticipantEvent = EventEnvelope<{ orderId: string }>;

/**
 * Where the saga moves an order: a participant's event is recorded as a fact on the aggregate, which derives the
 * status. Called by the event handlers of interface/, inside the transaction that also records the inbox row.
 */
@Injectable()
export class OrderSaga {
  constructor(private readonly orders: OrderRepository) {}

  record(em: EntityManager, event: ParticipantEvent): Promise<void> {
    return this.recordAll(em, [event]);
  }

  /** Records each event's fact on its order, in the order given: every order read and locked once, saved once. */
  async recordAll(em: EntityManager, events: ParticipantEvent[]): Promise<void> {
    if (!events.length) return;
    const orders = await this.orders.loadAllForUpdate(em, [...new Set(events.map((e) => e.payload.orderId))]);
    for (const event of events) {
      const order = orders.get(event.payload.orderId);
      // Orders are stored before OrderPlaced is published, so no participant can know an order this service lacks.
      if (!order) throw new PermanentError(`order ${event.payload.orderId} does not exist in the order service`);
      const fact = PARTICIPANT_FACTS[event.eventType];
      if (!fact) throw new PermanentError(`${event.eventType} is not a participant's event`);
      fact(order);
    }
    await this.orders.saveAll(em, [...orders.values()]);
  }
}
