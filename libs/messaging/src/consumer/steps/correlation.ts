import { Logger } from '@nestjs/common';
import { EnvelopeHeaders, EventEnvelope } from '@homestore/events';
import { endSpan, Span, SpanKind, spanContextFrom, startSpan } from '@homestore/platform';
import { contextInSpan, MessageContext, runInContext } from '../../message-context';
import { header } from './decode';
import type { DecodedEvent, Step } from './step';

const logger = new Logger('EventHandled');

/**
 * The correlation step: the handler runs in the event's flow and in a consumer span, the child of the traceparent the
 * event carries (its publishing span), so whatever it raises carries the same correlation, this event as its cause,
 * and its trace; and what it logs carries those, the event and its order.
 */
export const correlation: Step = (next) => async (d, run) => {
  const span = handlingSpan(d);
  try {
    const context = contextOf(d.event, span);
    const outcome = await runInContext(context, () => next(d, run));
    span.setAttribute('outcome', outcome);
    endSpan(span);
    // Once durable, one line per event with its ids: `grep <orderId>` over the apps' logs tells the order's story.
    run.work.afterCommit(() => runInContext(context, () => logger.log(`${d.event.eventType} ${outcome} by ${d.labels.group}`)));
    return outcome;
  } catch (e) {
    endSpan(span, e);
    throw e;
  }
};

/** The context of an event's handling in `span`. */
export function contextOf(event: EventEnvelope, span: Span): MessageContext {
  return contextInSpan(
    {
      correlationId: event.correlationId,
      causationId: event.eventId,
      eventId: event.eventId,
      eventType: event.eventType,
      ...(event.orderId === undefined ? {} : { orderId: event.orderId }),
    },
    span,
  );
}

/** The span of handling one event in a consumer group. */
export function handlingSpan({ event, labels, message }: Pick<DecodedEvent, 'event' | 'labels' | 'message'>): Span {
  return startSpan(`process ${event.eventType}`, SpanKind.CONSUMER, {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.destination.name': labels.topic,
    eventType: event.eventType,
    eventId: event.eventId,
    group: labels.group,
    ...(event.orderId === undefined ? {} : { orderId: event.orderId }),
  }, spanContextFrom(header(message.headers, EnvelopeHeaders.traceparent)));
}
