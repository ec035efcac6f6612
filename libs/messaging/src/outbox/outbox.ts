import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { EnvelopeHeaders, EventDefinition, EventEnvelope, PayloadOf } from '@homestore/events';
import { keysInLockOrder, lockKeysSql } from '@homestore/platform';
import { causedBy, currentContext, MessageContext, newContext, traceparent } from '../message-context';

/** Advisory-lock namespace (first int of the two-int form) for outbox keys. */
const KEY_LOCK_SPACE = 0x0b0c;

/** An event to raise: its contract and its payload, and the event that caused it when that is not the current one. */
export interface PendingEvent<D extends EventDefinition = EventDefinition> {
  definition: D;
  payload: PayloadOf<D>;
  /** Set by run handlers, which raise events for several causes at once (see causedBy). */
  cause?: EventEnvelope;
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

/** A data-modifying SQL statement with a RETURNING clause, and its parameters ($1, $2, ...). */
export interface Statement {
  sql: string;
  params: unknown[];
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
    const staged = this.staging(events, 0, '');
    await em.query(staged.sql, staged.params);
    return staged.envelopes;
  }

  /**
   * Runs `change` and stages `events` in the same statement (a data-modifying WITH), so in one implicit transaction
   * and one round trip: the events exist exactly when the change returned rows. Answers the change's RETURNING rows.
   * For a write that is nothing but one statement and its events (placing an order): a transaction would cost its
   * BEGIN, COMMIT and a second INSERT, four round trips more.
   */
  async addWith<R>(em: EntityManager, change: Statement, events: PendingEvent[]): Promise<R[]> {
    if (!events.length) return em.query(change.sql, change.params);
    const staged = this.staging(events, change.params.length, '(SELECT 1 FROM change LIMIT 1) AS changed, ');
    return em.query(`WITH change AS (${change.sql}), staged AS (${staged.sql}) SELECT * FROM change`, [...change.params, ...staged.params]);
  }

  /**
   * The INSERT of these events' outbox rows, its parameters numbered from `$${offset + 1}`, and the envelopes;
   * `from` comes first in its FROM list (a row source that must not be empty).
   */
  private staging(events: PendingEvent[], offset: number, from: string): Statement & { envelopes: EventEnvelope[] } {
    const current = currentContext() ?? newContext();
    const columns = { eventId: [] as string[], eventType: [] as string[], topic: [] as string[], key: [] as string[], value: [] as string[], headers: [] as string[] };
    const envelopes = events.map((event) => {
      const context = event.cause ? causedBy(event.cause) : current;
      const envelope = buildEnvelope(this.producer, event, context);
      const headers = {
        [EnvelopeHeaders.eventType]: envelope.eventType,
        [EnvelopeHeaders.eventId]: envelope.eventId,
        [EnvelopeHeaders.correlationId]: envelope.correlationId,
        [EnvelopeHeaders.traceparent]: traceparent(context.traceId),
      };
      columns.eventId.push(envelope.eventId);
      columns.eventType.push(envelope.eventType);
      columns.topic.push(event.definition.topic);
      columns.key.push((event.payload as unknown as Record<string, string>)[event.definition.keyField]);
      columns.value.push(JSON.stringify(envelope));
      columns.headers.push(JSON.stringify(headers));
      return envelope;
    });
    const $ = (n: number) => `$${offset + n}`;
    // Same-key transactions queue on the keys' locks until the earlier one commits, so row ids follow commit order
    // per key and the relay, reading in id order, publishes each key's events in the order they happened. The locks
    // are taken before any row (and its id) is made: one statement, one round trip, and one text for any number of
    // events (the rows come as arrays), so that it runs prepared.
    const sql = `INSERT INTO outbox (event_id, event_type, topic, key, value, headers)
       SELECT e.event_id, e.event_type, e.topic, e.key, e.value, e.headers::jsonb
       FROM ${from}(${lockKeysSql($(1), $(2))}) AS locks,
         unnest(${$(3)}::uuid[], ${$(4)}::text[], ${$(5)}::text[], ${$(6)}::text[], ${$(7)}::text[], ${$(8)}::text[])
           WITH ORDINALITY AS e(event_id, event_type, topic, key, value, headers, n)
       ORDER BY e.n`;
    const params = [KEY_LOCK_SPACE, keysInLockOrder(columns.key), columns.eventId, columns.eventType, columns.topic, columns.key, columns.value, columns.headers];
    return { sql, params, envelopes };
  }
}
