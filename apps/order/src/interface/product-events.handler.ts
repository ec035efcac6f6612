import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventOf, ProductChanged } from '@homestore/events';
import { EventContext } from '@homestore/messaging';
import { ConsumerGroups } from '../consumer-groups';
import { ProductReplica } from '../infrastructure/product-replica.repository';

/** product.events.v1 → the product replica that prices new orders. */
@Controller()
export class ProductEventsHandler {
  constructor(private readonly replica: ProductReplica) {}

  @EventPattern({ group: ConsumerGroups.saga, event: ProductChanged.type })
  onProductChanged(@Payload() event: EventOf<typeof ProductChanged>, @Ctx() ctx: EventContext) {
    return this.replica.record(ctx.getWork(), event.payload);
  }
}
