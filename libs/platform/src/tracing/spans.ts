import { Attributes, Span, SpanContext, SpanKind, SpanStatusCode, trace, TraceFlags, ROOT_CONTEXT } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { tracingEnabled } from './tracer-provider';

export { SpanKind, TraceFlags };
export type { Attributes, Span, SpanContext };

const TRACER = 'homestore';

/**
 * Starts a span, the child of `parent` when there is one (a traceparent that came with a request or an event). With
 * no tracer provider nothing is recorded, but the span still has ids — the parent's trace id, or a new one, and a
 * new span id — so that traceparents keep carrying the flow to the next service as they did before tracing.
 */
export function startSpan(name: string, kind: SpanKind, attributes: Attributes, parent?: SpanContext): Span {
  if (tracingEnabled()) {
    const context = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
    return trace.getTracer(TRACER).startSpan(name, { kind, attributes }, context);
  }
  return trace.wrapSpanContext({ traceId: parent?.traceId ?? hex(32), spanId: hex(16), traceFlags: parent?.traceFlags ?? TraceFlags.SAMPLED });
}

/** Ends a span: an error, when there was one, is recorded on it and marks it failed. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}

/** The W3C traceparent (version 00) naming this span as the parent of what it causes elsewhere. */
export function traceparentOf(span: Pick<Span, 'spanContext'>): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-0${traceFlags & TraceFlags.SAMPLED}`;
}

const TRACEPARENT = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/;

/** The remote span a W3C traceparent names, or undefined when the header is absent or malformed (all-zero ids, version ff). */
export function spanContextFrom(traceparent: string | undefined): SpanContext | undefined {
  const match = traceparent ? TRACEPARENT.exec(traceparent) : null;
  if (!match || match[1] === 'ff' || /^0+$/.test(match[2]) || /^0+$/.test(match[3])) return undefined;
  return { traceId: match[2], spanId: match[3], traceFlags: parseInt(match[4], 16) & TraceFlags.SAMPLED, isRemote: true };
}

/** Random lower-case hex digits (at most 32): UUIDs come from a pooled source, cheaper per call than randomBytes. */
function hex(digits: number): string {
  return randomUUID().replace(/-/g, '').slice(32 - digits);
}
