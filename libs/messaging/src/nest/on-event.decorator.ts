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
