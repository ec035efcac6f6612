import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, randomUUID } from 'node:crypto';
import { logContextFrom, Span, SpanContext, TraceFlags } from '@homestore/platform';

/** What ties an event to the flow it belongs to: set by the HTTP edge or by the consumer for each event. */
export interface MessageContext {
  correlationId: string;
  /** The eventId or request id that caused whatever is raised in this context. */
  causationId: string;
  /** W3C trace id (32 hex) shared by every span of the flow. */
  traceId: string;
  /** The HTTP request being served, when one started this work (x-request-id). */
  requestId?: string;
  /** The event being handled, when one started this work. */
  eventId?: string;
  eventType?: string;
  /** The order whose saga the event belongs to, when it names one (so that `grep <orderId>` finds its handling). */
  orderId?: string;
}

const storage = new AsyncLocalStorage<MessageContext>();

// Every log line written while a request or an event is handled carries these ids.
logContextFrom(() => storage.getStore());

/** Runs fn with the given context visible to every event raised inside it. */
export function runInContext<T>(context: MessageContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * The span each context's work runs in (the request's or the event handling's), kept beside the context rather than
 * in it: log lines show the context's own ids only. What is raised in a context becomes the child of its span.
 */
const spans = new WeakMap<MessageContext, SpanContext>();

/** The context of work done in `span`: its traceId is the span's, so that log lines and traces agree. */
export function contextInSpan(flow: Omit<MessageContext, 'traceId'>, span: Span): MessageContext {
  const spanContext = span.spanContext();
  const context = { ...flow, traceId: spanContext.traceId };
  spans.set(context, spanContext);
  return context;
}

/**
 * The span whose children the context's events are: its own, or, for a context made without one (a seed, a timer, a
 * test), a stand-in of its trace, so that the trace id still goes with the events.
 */
export function spanContextOf(context: MessageContext): SpanContext {
  return spans.get(context) ?? { traceId: context.traceId, spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED, isRemote: true };
}

/** The context of the current request or event, if any. */
export function currentContext(): MessageContext | undefined {
  return storage.getStore();
}

/** A fresh context for work that no request or event started (a seed, a timer). */
export function newContext(causationId: string = randomUUID()): MessageContext {
  return { correlationId: randomUUID(), causationId, traceId: newTraceId() };
}

export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/** The trace id of a W3C traceparent header, or undefined when it is absent or malformed. */
export function traceIdOf(header: string | undefined): string | undefined {
  const match = header ? TRACEPARENT.exec(header) : null;
  return match && !/^0+$/.test(match[1]) ? match[1] : undefined;
}
