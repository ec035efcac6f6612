import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { EnvelopeHeaders, EventDefinition, EventEnvelope, PayloadOf } from '@homestore/events';
import { keysInLockOrder, lockKeysSql, UnitOfWork } from '@homestore/persistence';
import { currentContext, MessageContext, newContext, traceparent } from '../message-context';

/** Advisory-lock namespace (first int of the two-int form) for outbox keys. */
const KEY_LOCK_SPACE = 0x0b0c;

/** An event to raise: its contract and its payload. */
export interface PendingEvent<D extends EventDefinition = EventDefinition> {
  definition: D;
  payload: PayloadOf<D>;
  /** The flow it belongs to, when it is not the current one (see currentContext): for events staged at commit. */
  context?: MessageContext;
}

/** An outbox row: the topic, key, value and headers the relay will publish. */
interface OutboxRow {
  eventId: string;
  eventType: string;
  topic: string;
  key: string;
  value: string;
  headers: string;
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
  /** Rows staged in each unit of work, written just before it commits. */
  private readonly staged = new WeakMap<UnitOfWork, OutboxRow[]>();

  constructor(private readonly producer: string) {}

  /**
   * Raises these events, in this order, in the unit of work: their rows are written with its aggregates, every
   * event of the unit of work in one statement, just before it commits. Each event carries the current flow (the
   * request's or the handled event's correlation, cause and trace). Answers the envelopes that will be published.
   */
  add(work: UnitOfWork, events: PendingEvent[]): EventEnvelope[] {
    if (!events.length) return [];
    let rows = this.staged.get(work);
    if (!rows) {
      const staged: OutboxRow[] = (rows = []);
      this.staged.set(work, staged);
      work.beforeCommit(this, () => this.write(work.em, staged));
    }
    const envelopes = events.map((event) => this.row(event));
    rows.push(...envelopes.map((e) => e.row));
    return envelopes.map((e) => e.envelope);
  }

  /**
   * The same as `add`, for a command that is one statement and its events: `change` and the events' rows are written
   * by one statement (a data-modifying WITH), so in one implicit transaction and one round trip, and the events exist
   * exactly when the change returned rows. Answers the change's RETURNING rows. (A transaction would cost its BEGIN,
   * COMMIT and a second INSERT: placing an order, the shop's busiest write, costs two round trips instead of five.)
   */
  async addWith<R>(em: EntityManager, change: Statement, events: PendingEvent[]): Promise<R[]> {
    if (!events.length) return em.query(change.sql, change.params);
    const staged = insertOf(events.map((e) => this.row(e).row), change.params.length, '(SELECT 1 FROM change LIMIT 1) AS changed, ');
    return em.query(`WITH change AS (${change.sql}), staged AS (${staged.sql}) SELECT * FROM change`, [...change.params, ...staged.params]);
  }

  private async write(em: EntityManager, rows: OutboxRow[]): Promise<void> {
    if (!rows.length) return;
    const { sql, params } = insertOf(rows, 0, '');
    await em.query(sql, params);
  }

  /** The envelope of an event raised now, and its outbox row. */
  private row(event: PendingEvent): { envelope: EventEnvelope; row: OutboxRow } {
    const context = event.context ?? currentContext() ?? newContext();
    const envelope = buildEnvelope(this.producer, event, context);
    const headers = {
      [EnvelopeHeaders.eventType]: envelope.eventType,
      [EnvelopeHeaders.eventId]: envelope.eventId,
      [EnvelopeHeaders.correlationId]: envelope.correlationId,
      [EnvelopeHeaders.traceparent]: traceparent(context.traceId),
    };
    const key = (event.payload as unknown as Record<string, string>)[event.definition.keyField];
    const row = { eventId: envelope.eventId, eventType: envelope.eventType, topic: event.definition.topic, key, value: JSON.stringify(envelope), headers: JSON.stringify(headers) };
    return { envelope, row };
  }
}

/**
 * The INSERT of these outbox rows, its parameters numbered from `$${offset + 1}`; `from` comes first in its FROM list
 * (a row source that must not be empty).
 */
function insertOf(rows: OutboxRow[], offset: number, from: string): Statement {
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
  const column = <K extends keyof OutboxRow>(k: K) => rows.map((r) => r[k]);
  const params = [KEY_LOCK_SPACE, keysInLockOrder(column('key')), column('eventId'), column('eventType'), column('topic'), column('key'), column('value'), column('headers')];
  return { sql, params };
}
