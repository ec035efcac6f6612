import { SetMetadata } from '@nestjs/common';
import type { EventDefinition } from '@homestore/events';

export const ON_EVENT = Symbol('homestore:on-event');

export interface OnEventMetadata {
  definition: EventDefinition;
  /** Consumer group; defaults to the service name. */
  group?: string;
}

/**
 * Marks a provider method as the handler of one event type: `(event, em) => Promise<void>`, called inside the
 * transaction that also records the inbox row. Whatever it writes through `em` commits with it, or not at all.
 */
export function OnEvent(definition: EventDefinition, options: { group?: string } = {}): MethodDecorator {
  return SetMetadata(ON_EVENT, { definition, group: options.group } satisfies OnEventMetadata);
}

export const ON_EVENT_RUN = Symbol('homestore:on-event-run');

export interface OnEventRunMetadata {
  /** Consumer group; defaults to the service name. */
  group?: string;
}

/**
 * Marks a provider method as its consumer group's run handler: `(events, em, handleOne) => Promise<void>`, called once
 * for a run of the group's events (new ones only, key by key, each key's in partition order) inside the run's
 * transaction, instead of each event's @OnEvent handler. The @OnEvent handlers still define what the group consumes
 * and handle the events one by one when a run fails; `handleOne(event)` calls one of them from the run handler.
 * For work that shrinks when done together (a read model that reads and writes all the run's rows at once), or that
 * must prepare the whole run first (take its locks in one order, so that concurrent runs cannot deadlock).
 */
export function OnEventRun(options: { group?: string } = {}): MethodDecorator {
  return SetMetadata(ON_EVENT_RUN, { group: options.group } satisfies OnEventRunMetadata);
}
