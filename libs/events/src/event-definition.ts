import type { EventEnvelope } from './envelope';
import type { Topic } from './topics';

type StringKeys<P> = { [K in keyof P]-?: NonNullable<P[K]> extends string ? K : never }[keyof P] & string;

/**
 * The contract of one event type: its name, version, topic, producing aggregate and payload schema.
 * Keys are declared as payload field names so that documentation can be generated from them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the untyped default is "any event"
export interface EventDefinition<P extends object = any> {
  readonly type: string;
  readonly version: number;
  readonly topic: Topic;
  readonly producer: string;
  readonly aggregateType: string;
  /** Payload field holding the aggregate id. */
  readonly aggregateIdField: StringKeys<P>;
  /** Payload field used as the Kafka key (the aggregate id, or the order id for saga participants). */
  readonly keyField: StringKeys<P>;
  /** Payload field holding the saga's order id, when the event belongs to an order. */
  readonly orderIdField?: StringKeys<P>;
  readonly payload: new () => P;
  /** One sentence for the event catalog: the fact this event states. */
  readonly description: string;
}

/** Declares an event type; the returned object is the event's contract. */
export function defineEvent<P extends object>(definition: EventDefinition<P>): EventDefinition<P> {
  return Object.freeze(definition);
}

export type PayloadOf<D> = D extends EventDefinition<infer P> ? P : never;

/** The typed envelope of an event definition, e.g. `EventOf<typeof OrderPlaced>`. */
export type EventOf<D> = EventEnvelope<PayloadOf<D>>;
