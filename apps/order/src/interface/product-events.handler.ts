import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventOf, ProductChanged } from '@homestore/events';
import { OnEvent } from '@homestore/messaging';
import { ConsumerGroups } from '../consumer-groups';
import { ProductReplica } from '../infrastructure/product-replica.repository';

/** product.events.v1 → the product replica that prices new orders. */
@Injectable()
export class ProductEventsHandler {
  constructor(private readonly replica: ProductReplica) {}

  @OnEvent(ProductChanged, { group: ConsumerGroups.saga })
  onProductChanged(event: EventOf<typeof ProductChanged>, em: EntityManager) {
    return this.replica.record(em, event.payload);
  }
}
