import { trace } from '@opentelemetry/api';
import type { BasicTracerProvider, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

// The SDK and the exporter are required when tracing starts, not at import: most processes never trace, and loading
// them cost every start about 0.1 s of CPU (docs/benchmarks.md, "cheaper starts").
const sdk = () => require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');

/** The tracer provider this process registered, if any: spans are recorded only while there is one (see startSpan). */
let installed: BasicTracerProvider | undefined;

/** A registered tracer provider: shutting it down exports what is still buffered. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Traces the service's work when OTEL_EXPORTER_OTLP_ENDPOINT names a collector: spans are batched and exported over
 * OTLP/HTTP (the exporter reads the endpoint and the other OTEL_EXPORTER_OTLP_* variables itself), with service.name
 * the app's name. Without the variable no provider is registered: spans cost nothing, and the ids still travel.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  return installTracing(service, new (sdk().BatchSpanProcessor)(new OTLPTraceExporter()));
}

/** Registers a tracer provider that hands every span of `service` to `processor` (an exporter's, or a test's). */
export function installTracing(service: string, processor: SpanProcessor): Tracing {
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const provider = new (sdk().BasicTracerProvider)({ resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: service }), spanProcessors: [processor] });
  trace.setGlobalTracerProvider(provider);
  installed = provider;
  return {
    shutdown: async () => {
      if (installed === provider) {
        installed = undefined;
        trace.disable();
      }
      await provider.shutdown();
    },
  };
}

/** Whether spans are recorded: a tracer provider is registered. */
export function tracingEnabled(): boolean {
  return installed !== undefined;
}
