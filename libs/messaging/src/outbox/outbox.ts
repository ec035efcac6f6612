import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { EnvelopeHeaders, EventDefinition, EventEnvelope, PayloadOf } from '@homestore/events';
import { lockKeys } from '@homestore/platform';
import { currentContext, MessageContext, newContext, traceparent } from '../message-context';

/** Advisory-lock namespace (first int of the two-int form) for outbox keys. */
const KEY_LOCK_SPACE = 0x0b0c;

/** An event to raise: its contract and its payload. */
export interface PendingEvent<D extends EventDefinition = EventDefinition> {
  definition: D;
  payload: PayloadOf<D>;
}

/** Builds the envelope of an event raised now by `producer` in the given flow. */
export function buildEnvelope<D extends EventDefinition>(
  producer: string,
  { definition, payload }: PendingEvent<D>,
  context: MessageContext,
): EventEnvelope<PayloadOf<D>> {
  const fields = payload as unknown as Record<string, string>;
  const envelope: EventEnvelope<PayloadOf<D>> = {
    eventId: randomUUID(),
    eventType: definition.type,
    eventVersion: definition.version,
    aggregateType: definition.aggregateType,
    aggregateId: fields[definition.aggregateIdField],
    correlationId: context.correlationId,
    causationId: context.causationId,
    producer,
    occurredAt: new Date().toISOString(),
    payload,
  };
  if (definition.orderIdField) envelope.orderId = fields[definition.orderIdField];
  return envelope;
}

/**
 * The write side of the transactional outbox: events are rows written in the caller's transaction,
 * so they exist exactly when the state change that raised them was committed. Nothing here talks to Kafka.
 */
export class Outbox {
  constructor(private readonly producer: string) {}

  /** Stages one event in the transaction of `em`; returns the envelope that will be published. */
  async add<D extends EventDefinition>(em: EntityManager, definition: D, payload: PayloadOf<D>): Promise<EventEnvelope<PayloadOf<D>>> {
    const [envelope] = await this.addAll(em, [{ definition, payload }]);
    return envelope as EventEnvelope<PayloadOf<D>>;
  }

  /** Stages several events, in this order, in the transaction of `em`. */
  async addAll(em: EntityManager, events: PendingEvent[]): Promise<EventEnvelope[]> {
    if (!events.length) return [];
    const context = currentContext() ?? newContext();
    const params: unknown[] = [];
    const rows: string[] = [];
    const envelopes = events.map((event) => {
      const envelope = buildEnvelope(this.producer, event, context);
      const headers = {
        [EnvelopeHeaders.eventType]: envelope.eventType,
        [EnvelopeHeaders.eventId]: envelope.eventId,
        [EnvelopeHeaders.correlationId]: envelope.correlationId,
        [EnvelopeHeaders.traceparent]: traceparent(context.traceId),
      };
      const key = (event.payload as unknown as Record<string, string>)[event.definition.keyField];
      const n = params.length;
      rows.push(`($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6})`);
      params.push(envelope.eventId, envelope.eventType, event.definition.topic, key, JSON.stringify(envelope), headers);
      return envelope;
    });
    // Same-key transactions queue here until the earlier one commits, so row ids follow commit order per key
    // and the relay, reading in id order, publishes each key's events in the order they happened.
    await lockKeys(em, KEY_LOCK_SPACE, params.filter((_, i) => i % 6 === 3) as string[]);
    await em.query(`INSERT INTO outbox (event_id, event_type, topic, key, value, headers) VALUES ${rows.join(', ')}`, params);
    return envelopes;
  }
}
