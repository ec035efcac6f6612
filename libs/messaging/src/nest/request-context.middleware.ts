import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { endSpan, OWN_ROUTES, routeOf, SpanKind, spanContextFrom, startSpan } from '@homestore/platform';
import { contextInSpan, newTraceId, runInContext } from '../message-context';

/** Header names the gateway sets and every service reads, so events raised by a request carry its flow. */
export const RequestHeaders = {
  requestId: 'x-request-id',
  correlationId: 'x-correlation-id',
  traceparent: 'traceparent',
} as const;

/**
 * Runs each HTTP request in a message context and a server span, the child of the caller's traceparent (the
 * gateway's span): events it raises carry its correlation id, request id and span, and its log lines its ids.
 */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
  const requestId = req.header(RequestHeaders.requestId) || randomUUID();
  const correlationId = req.header(RequestHeaders.correlationId) || requestId;
  res.setHeader(RequestHeaders.requestId, requestId);
  res.setHeader(RequestHeaders.correlationId, correlationId);
  const path = req.originalUrl.split('?')[0];
  const parent = spanContextFrom(req.header(RequestHeaders.traceparent));
  const flow = { correlationId, causationId: requestId, requestId };
  // Probes and scrapes are not the service's traffic: not traced (they still get a trace id, for their log lines).
  if (OWN_ROUTES.test(path)) return runInContext({ ...flow, traceId: parent?.traceId ?? newTraceId() }, next);
  const span = startSpan(req.method, SpanKind.SERVER, { 'http.request.method': req.method, 'url.path': path }, parent);
  // Named by the route pattern Express matched (semantic conventions: "GET /orders/:id").
  res.once('close', () => {
    const route = routeOf(req);
    span.updateName(`${req.method} ${route}`);
    span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
    endSpan(span, res.statusCode >= 500 ? new Error(`HTTP ${res.statusCode}`) : undefined);
  });
  runInContext(contextInSpan(flow, span), next);
}
