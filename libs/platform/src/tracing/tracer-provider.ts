import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

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
  return installTracing(service, new BatchSpanProcessor(new OTLPTraceExporter()));
}

/** Registers a tracer provider that hands every span of `service` to `processor` (an exporter's, or a test's). */
export function installTracing(service: string, processor: SpanProcessor): Tracing {
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: service }), spanProcessors: [processor] });
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
