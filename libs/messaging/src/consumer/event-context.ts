import { BaseRpcContext } from '@nestjs/microservices';
import type { ConsumedMessage } from '../driver/port';
import type { EventDefinition, EventEnvelope } from '@homestore/events';
import type { UnitOfWork } from '@homestore/persistence';

type EventContextArgs = [work: UnitOfWork, message: ConsumedMessage, topic: string, partition: number, group: string];

/**
 * What an event handler gets with its event (`@Ctx()`): the unit of work of the transaction that also records the
 * event in the inbox (whatever the handler saves or raises in it commits with that row, or not at all), and where
 * the event came from.
 */
export class EventContext extends BaseRpcContext<EventContextArgs> {
  /** The unit of work: load, change and save aggregates and raise events (Outbox.add) in it. */
  getWork(): UnitOfWork {
    return this.args[0];
  }

  /** The Kafka record, untouched (key, headers, offset). */
  getMessage(): ConsumedMessage {
    return this.args[1];
  }

  getTopic(): string {
    return this.args[2];
  }

  getPartition(): number {
    return this.args[3];
  }

  /** The consumer group handling it. */
  getGroup(): string {
    return this.args[4];
  }
}

/** The handler of one event type in one consumer group: the library's side of an `@EventPattern` method. */
export interface EventHandlerRegistration {
  definition: EventDefinition;
  handle: (event: EventEnvelope<any>, context: EventContext) => Promise<void>;
}
