import type { ConsumedMessage } from '../../driver/port';
import type { EventEnvelope } from '@homestore/events';
import type { UnitOfWork } from '@homestore/persistence';
import type { EventHandlerRegistration } from '../event-context';

/** Metric labels of a message. */
export interface Labels {
  topic: string;
  event_type: string;
  group: string;
}

/** A message taken off Kafka and decoded (steps/decode.ts); no handler means its type is not the group's (skipped). */
export interface Decoded {
  topic: string;
  partition: number;
  message: ConsumedMessage;
  labels: Labels;
  handler?: EventHandlerRegistration;
  event?: EventEnvelope;
}

/** A decoded message that the group handles. */
export type DecodedEvent = Decoded & Required<Pick<Decoded, 'event' | 'handler'>>;

/** One transaction's events: its unit of work, and the events its inbox insert claimed (new ones, by eventId). */
export interface Run {
  work: UnitOfWork;
  claimed: Set<string>;
}

/** What became of an event in a run: handled, or a duplicate the inbox had seen. */
export type Outcome = 'handled' | 'duplicate';

/** Handles one event of a run, inside the run's transaction. */
export type EventHandler = (event: DecodedEvent, run: Run) => Promise<Outcome>;

/** A step of the handling chain: does its part and calls `next` (or not), as Watermill's middleware does. */
export type Step = (next: EventHandler) => EventHandler;

/** The steps, outermost first, around the handler. */
export function chain(steps: Step[], handler: EventHandler): EventHandler {
  return steps.reduceRight((next, step) => step(next), handler);
}
