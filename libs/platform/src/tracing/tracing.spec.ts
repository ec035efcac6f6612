import { trace } from '@opentelemetry/api';
import { SpanKind, spanContextFrom, startSpan, traceparentOf } from './spans';
import { startTracing, tracingEnabled } from './tracer-provider';

describe('tracing: on with OTEL_EXPORTER_OTLP_ENDPOINT, off and free without, ids carried either way', () => {
  it('registers no tracer provider without OTEL_EXPORTER_OTLP_ENDPOINT: nothing is recorded', () => {
    expect(startTracing('order', {})).toBeUndefined();
    expect(tracingEnabled()).toBe(false);
    expect(trace.getTracer('any').startSpan('probe').isRecording()).toBe(false);
    expect(startSpan('GET /orders', SpanKind.SERVER, {}).isRecording()).toBe(false);
  });

  it('still gives spans ids without one: a parent keeps its trace, a new span starts one, each span id is new', () => {
    const parent = spanContextFrom(`00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`)!;
    const child = startSpan('process OrderPlaced', SpanKind.CONSUMER, {}, parent).spanContext();
    expect(child.traceId).toBe(parent.traceId);
    expect(child.spanId).toMatch(/^[\da-f]{16}$/);
    expect(child.spanId).not.toBe(parent.spanId);
    const root = startSpan('GET /orders', SpanKind.SERVER, {});
    expect(traceparentOf(root)).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
    expect(root.spanContext().traceId).not.toBe(startSpan('GET /orders', SpanKind.SERVER, {}).spanContext().traceId);
  });

  it('registers a provider with the endpoint: spans are recorded until it shuts down', async () => {
    const tracing = startTracing('order', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })!;
    try {
      expect(tracingEnabled()).toBe(true);
      const span = startSpan('GET /orders', SpanKind.SERVER, {}, spanContextFrom(`00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`));
      expect(span.isRecording()).toBe(true);
      expect(span.spanContext().traceId).toBe('ab'.repeat(16));
    } finally {
      await tracing.shutdown();
    }
    expect(tracingEnabled()).toBe(false);
  });

  it('reads W3C traceparents and refuses malformed ones', () => {
    expect(spanContextFrom(`00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-00`)).toEqual({ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceFlags: 0, isRemote: true });
    for (const bad of [undefined, '', 'junk', `00-${'0'.repeat(32)}-${'cd'.repeat(8)}-01`, `00-${'ab'.repeat(16)}-${'0'.repeat(16)}-01`, `ff-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`]) {
      expect(spanContextFrom(bad)).toBeUndefined();
    }
  });
});
