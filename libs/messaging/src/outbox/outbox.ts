import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { EnvelopeHeaders, EventDefinition, EventEnvelope, PayloadOf } from '@homestore/events';
import { keysInLockOrder, lockKeysSql, UnitOfWork } from '@homestore/persistence';
import { endSpan, Span, SpanKind, startSpan, traceparentOf } from '@homestore/platform';
import { currentContext, MessageContext, newContext, spanContextOf } from '../message-context';

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
  /** Rows staged in each unit of work, written just before it commits, and the spans of their writing. */
  private readonly staged = new WeakMap<UnitOfWork, { rows: OutboxRow[]; spans: Span[] }>();

  constructor(private readonly producer: string) {}

  /**
   * Raises these events, in this order, in the unit of work: their rows are written with its aggregates, every
   * event of the unit of work in one statement, just before it commits. Each event carries the current flow (the
   * request's or the handled event's correlation, cause and trace); an "outbox write" span of each flow, ended once
   * the rows are written, is the parent named by their traceparent. Answers the envelopes that will be published.
   */
  add(work: UnitOfWork, events: PendingEvent[]): EventEnvelope[] {
    if (!events.length) return [];
    let staged = this.staged.get(work);
    if (!staged) {
      const rows: OutboxRow[] = [];
      const spans: Span[] = [];
      staged = { rows, spans };
      this.staged.set(work, staged);
      work.beforeCommit(this, () => this.write(work.em, rows, spans));
    }
    const { written, spans } = inFlows(events);
    staged.spans.push(...spans);
    const raised = written.map(({ event, context, span }) => this.row(event, context, span));
    staged.rows.push(...raised.map((r) => r.row));
    return raised.map((r) => r.envelope);
  }

  /**
   * The same as `add`, for a command that is one statement and its events: `change` and the events' rows are written
   * by one statement (a data-modifying WITH), so in one implicit transaction and one round trip, and the events exist
   * exactly when the change returned rows. Answers the change's RETURNING rows. (A transaction would cost its BEGIN,
   * COMMIT and a second INSERT: placing an order, the shop's busiest write, costs two round trips instead of five.)
   */
  async addWith<R>(em: EntityManager, change: Statement, events: PendingEvent[]): Promise<R[]> {
    if (!events.length) return em.query(change.sql, change.params);
    const { written, spans } = inFlows(events);
    const staged = insertOf(written.map(({ event, context, span }) => this.row(event, context, span).row), change.params.length, '(SELECT 1 FROM change LIMIT 1) AS changed, ');
    return ended(spans, () => em.query(`WITH change AS (${change.sql}), staged AS (${staged.sql}) SELECT * FROM change`, [...change.params, ...staged.params]));
  }

  private async write(em: EntityManager, rows: OutboxRow[], spans: Span[]): Promise<void> {
    if (!rows.length) return;
    const { sql, params } = insertOf(rows, 0, '');
    await ended(spans, () => em.query(sql, params));
  }

  /** The envelope of an event raised now in this flow, and its outbox row, whose traceparent names the write's span. */
  private row(event: PendingEvent, context: MessageContext, span: Span): { envelope: EventEnvelope; row: OutboxRow } {
    const envelope = buildEnvelope(this.producer, event, context);
    const headers = {
      [EnvelopeHeaders.eventType]: envelope.eventType,
      [EnvelopeHeaders.eventId]: envelope.eventId,
      [EnvelopeHeaders.correlationId]: envelope.correlationId,
      [EnvelopeHeaders.traceparent]: traceparentOf(span),
    };
    const key = (event.payload as unknown as Record<string, string>)[event.definition.keyField];
    const row = { eventId: envelope.eventId, eventType: envelope.eventType, topic: event.definition.topic, key, value: JSON.stringify(envelope), headers: JSON.stringify(headers) };
    return { envelope, row };
  }
}

/**
 * Each event, in the order raised, with its flow (its own context, else the current one, else a new one each) and the
 * span of writing that flow's events to the outbox: the child of the request's or the handled event's span.
 */
function inFlows(events: PendingEvent[]): { written: { event: PendingEvent; context: MessageContext; span: Span }[]; spans: Span[] } {
  const contexts = events.map((event) => event.context ?? currentContext() ?? newContext());
  const flows = new Map<MessageContext, PendingEvent[]>();
  events.forEach((event, i) => {
    const inFlow = flows.get(contexts[i]);
    if (inFlow) inFlow.push(event);
    else flows.set(contexts[i], [event]);
  });
  const spans = new Map<MessageContext, Span>();
  for (const [context, inFlow] of flows) {
    const types = [...new Set(inFlow.map((e) => e.definition.type))];
    // The order they belong to, when one: Jaeger's search by the tag orderId finds every trace of an order's saga.
    const orders = [...new Set(inFlow.map(orderIdOf).filter((id) => id !== undefined))];
    const attributes = { 'outbox.events': inFlow.length, eventTypes: types, ...(orders.length === 1 ? { orderId: orders[0] } : {}) };
    spans.set(context, startSpan('outbox write', SpanKind.INTERNAL, attributes, spanContextOf(context)));
  }
  return { written: events.map((event, i) => ({ event, context: contexts[i], span: spans.get(contexts[i])! })), spans: [...spans.values()] };
}

/** The order an event names, if its contract has an order id field. */
function orderIdOf({ definition, payload }: PendingEvent): string | undefined {
  return definition.orderIdField ? (payload as unknown as Record<string, string>)[definition.orderIdField] : undefined;
}

/** Runs the write and ends its spans, failed when it failed. */
async function ended<T>(spans: Span[], write: () => Promise<T>): Promise<T> {
  try {
    const result = await write();
    for (const span of spans) endSpan(span);
    return result;
  } catch (e) {
    for (const span of spans) endSpan(span, e);
    throw e;
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
