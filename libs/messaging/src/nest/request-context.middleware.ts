import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { newTraceId, runInContext, traceIdOf } from '../message-context';

/** Header names the gateway sets and every service reads, so events raised by a request carry its flow. */
export const RequestHeaders = {
  requestId: 'x-request-id',
  correlationId: 'x-correlation-id',
  traceparent: 'traceparent',
} as const;

/** Runs each HTTP request in a message context: events it raises carry its correlation id and request id, and so do its log lines. */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
  const requestId = req.header(RequestHeaders.requestId) || randomUUID();
  const correlationId = req.header(RequestHeaders.correlationId) || requestId;
  res.setHeader(RequestHeaders.requestId, requestId);
  res.setHeader(RequestHeaders.correlationId, correlationId);
  runInContext({ correlationId, causationId: requestId, traceId: traceIdOf(req.header(RequestHeaders.traceparent)) ?? newTraceId(), requestId }, next);
}
