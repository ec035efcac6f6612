import { EnvelopeHeaders, EventEnvelope } from '@homestore/events';
import { MessageContext, newTraceId, runInContext, traceIdOf } from '../../message-context';
import { header } from './decode';
import type { Step } from './step';

/**
 * The correlation step: the handler runs in the event's flow, so whatever it raises carries the same correlation,
 * this event as its cause, and its trace; and what it logs carries those, the event and its order.
 */
export const correlation: Step = (next) => (d, run) => runInContext(contextOf(d.event, header(d.message.headers, EnvelopeHeaders.traceparent)), () => next(d, run));

export function contextOf(event: EventEnvelope, traceparent: string | undefined): MessageContext {
  return {
    correlationId: event.correlationId,
    causationId: event.eventId,
    traceId: traceIdOf(traceparent) ?? newTraceId(),
    eventId: event.eventId,
    eventType: event.eventType,
    ...(event.orderId === undefined ? {} : { orderId: event.orderId }),
  };
}
