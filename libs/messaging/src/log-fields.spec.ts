import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { logLevel } from 'kafkajs';
import type { EventEnvelope } from '@homestore/events';
import { createServiceLogger, SpanKind, spanContextFrom, startSpan } from '@homestore/platform';
import { contextOf } from './consumer/steps/correlation';
import { kafkajsLogCreator } from './driver/kafkajs';
import { runInContext } from './message-context';
import { requestContext } from './nest/request-context.middleware';

/** The JSON lines the service's logger writes from now on (it is behind every `new Logger(...)`, as in runService). */
function serviceLogs(): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  Logger.overrideLogger(createServiceLogger('payment', { LOG_LEVEL: 'debug', LOG_FORMAT: 'json' }, { write: (s: string) => void lines.push(JSON.parse(s)) }));
  return lines;
}

function envelope(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    eventId: randomUUID(),
    eventType: 'OrderPlaced',
    eventVersion: 1,
    aggregateType: 'order',
    aggregateId: 'o-1',
    orderId: randomUUID(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    producer: 'order',
    occurredAt: new Date().toISOString(),
    payload: {},
    ...overrides,
  };
}

describe('log lines carry the ids of the message context', () => {
  it("an event's handling: correlation, causation (the event), trace, eventId, eventType and orderId", () => {
    const lines = serviceLogs();
    const event = envelope();
    const trace = 'b'.repeat(32);
    contextOfRun(event, `00-${trace}-${'c'.repeat(16)}-01`, () => new Logger('PaymentEventsHandler').log('charging'));
    expect(lines).toEqual([
      expect.objectContaining({
        service: 'payment',
        context: 'PaymentEventsHandler',
        msg: 'charging',
        correlationId: event.correlationId,
        causationId: event.eventId,
        traceId: trace,
        eventId: event.eventId,
        eventType: 'OrderPlaced',
        orderId: event.orderId,
      }),
    ]);
    expect(lines[0]).not.toHaveProperty('requestId');
  });

  it('an event that names no order has no orderId', () => {
    const lines = serviceLogs();
    contextOfRun(envelope({ eventType: 'UserRegistered', orderId: undefined }), undefined, () => new Logger('Contacts').log('stored'));
    expect(lines[0]).toMatchObject({ eventType: 'UserRegistered', traceId: expect.stringMatching(/^[\da-f]{32}$/) });
    expect(lines[0]).not.toHaveProperty('orderId');
  });

  it("an HTTP request's handling: requestId and correlationId from its headers (or new ones), the request as cause", () => {
    const lines = serviceLogs();
    const headers: Record<string, string> = { 'x-request-id': 'req-9', 'x-correlation-id': 'flow-9' };
    const req = { method: 'POST', originalUrl: '/orders', header: (name: string) => headers[name] } as unknown as Request;
    const res = { setHeader: () => undefined, once: () => undefined } as unknown as Response;
    requestContext(req, res, () => new Logger('OrdersController').log('placing'));
    requestContext({ method: 'GET', originalUrl: '/orders', header: () => undefined } as unknown as Request, res, () => new Logger('OrdersController').log('anonymous'));
    const [given, fresh] = lines;
    expect(given).toMatchObject({ msg: 'placing', requestId: 'req-9', correlationId: 'flow-9', causationId: 'req-9', traceId: expect.stringMatching(/^[\da-f]{32}$/) });
    expect(fresh).toMatchObject({ msg: 'anonymous', requestId: expect.any(String), correlationId: fresh.requestId });
    expect(given).not.toHaveProperty('eventId');
  });

  it("kafkajs' own lines: through the same logger, context kafkajs, what it says as fields", () => {
    const lines = serviceLogs();
    const log = kafkajsLogCreator(logLevel.WARN);
    const at = new Date().toISOString();
    log({ namespace: 'Consumer', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: at, logger: 'kafkajs', message: 'Crash: KafkaJSNumberOfRetriesExceeded', groupId: 'payment', retryCount: 5 } });
    log({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: at, logger: 'kafkajs', message: 'Response JoinGroup(key: 11, version: 5)', broker: 'b:9092' } });
    log({ namespace: 'Producer', level: logLevel.WARN, label: 'WARN', log: { timestamp: at, logger: 'kafkajs', message: 'Limiting retries for the idempotent producer may invalidate EoS guarantees' } });
    expect(lines).toEqual([
      { service: 'payment', level: 'error', time: expect.any(String), context: 'kafkajs', namespace: 'Consumer', msg: 'Crash: KafkaJSNumberOfRetriesExceeded', groupId: 'payment', retryCount: 5 },
      // An error answer kafkajs retries and gets past is only worth a debug line; the expected warning is dropped.
      { service: 'payment', level: 'debug', time: expect.any(String), context: 'kafkajs', namespace: 'Connection', msg: 'Response JoinGroup(key: 11, version: 5)', broker: 'b:9092' },
    ]);
  });
});

/** Runs fn in the context the consumer's correlation step gives an event's handler. */
function contextOfRun(event: EventEnvelope, traceparent: string | undefined, fn: () => void): void {
  runInContext(contextOf(event, startSpan('process', SpanKind.CONSUMER, {}, spanContextFrom(traceparent))), fn);
}
