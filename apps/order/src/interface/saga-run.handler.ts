import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventEnvelope, ProductChanged, ProductChangedPayload } from '@homestore/events';
import { OnEventRun } from '@homestore/messaging';
import { OrderSaga } from '../application/order-saga';
import { ConsumerGroups } from '../consumer-groups';
import { ProductReplica } from '../infrastructure/product-replica.repository';

/**
 * Runs of the `order` group's events (a run comes from one partition of one topic): a run of participants' events
 * moves all its orders at once (one read, one write); of product snapshots only each product's newest counts.
 * Each event's own handler (payment-, store-, delivery-, product-events.handler.ts) does the same one at a time.
 */
@Injectable()
export class SagaRunHandler {
  constructor(
    private readonly saga: OrderSaga,
    private readonly replica: ProductReplica,
  ) {}

  @OnEventRun({ group: ConsumerGroups.saga })
  async onEvents(events: EventEnvelope<any>[], em: EntityManager): Promise<void> {
    const products = events.filter((e) => e.eventType === ProductChanged.type) as EventEnvelope<ProductChangedPayload>[];
    const newest = new Map<string, ProductChangedPayload>();
    for (const { payload } of products) {
      if ((newest.get(payload.productId)?.revision ?? -1) < payload.revision) newest.set(payload.productId, payload);
    }
    for (const payload of newest.values()) await this.replica.record(em, payload);
    await this.saga.recordAll(em, events.filter((e) => e.eventType !== ProductChanged.type));
  }
}
