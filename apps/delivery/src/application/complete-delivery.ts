import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { DeliveryCompleted } from '@homestore/events';
import { Outbox } from '@homestore/messaging';
import { inUnitOfWork } from '@homestore/persistence';
import { deliveryNotStarted } from '../domain/delivery.errors';
import { DeliveryRepository } from '../infrastructure/delivery.repository';
import { DeliveryQueries, DeliveryView } from './delivery-queries';

/** The store hands the order over: the delivery is completed and DeliveryCompleted commits with it. */
@Injectable()
export class CompleteDelivery {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deliveries: DeliveryRepository,
    private readonly outbox: Outbox,
    private readonly queries: DeliveryQueries,
  ) {}

  /** 409 DELIVERY.NOT_STARTED unless the delivery is under way (or already completed, which changes nothing). */
  async execute(orderId: string): Promise<DeliveryView> {
    if (!isUUID(orderId)) throw deliveryNotStarted('NONE');
    await inUnitOfWork(this.dataSource, async (work) => {
      const delivery = await this.deliveries.load(work, orderId);
      if (!delivery) throw deliveryNotStarted('NONE');
      const result = delivery.complete();
      if (!result.ok) throw deliveryNotStarted(result.status);
      if (!result.fact) return;
      this.deliveries.save(work, delivery);
      const { deliveryId, customerId } = delivery.snapshot;
      this.outbox.add(work, [{ definition: DeliveryCompleted, payload: { deliveryId, orderId, customerId } }]);
    });
    // Read once committed (the row is written at commit); a completed delivery never changes again.
    return this.queries.view(orderId);
  }
}
