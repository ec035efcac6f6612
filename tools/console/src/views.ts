import { EnvelopeHeaders } from '@homestore/events';
import { DeadLetterHeaders } from '@homestore/messaging';
import type { BusRecord, DeadLetter } from '../../ops/src/operations';

/** The header a replay adds (tools/ops' replayDeadLetters): kept when the replayed event fails again. */
const REPLAYED_FROM = 'dlq-replayed-from';

/** One message as the page shows it: where it is, and its envelope decoded (or its raw text and why it is not). */
export interface MessageView {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  timestamp: string;
  eventType?: string;
  eventVersion?: number;
  eventId?: string;
  orderId?: string;
  correlationId?: string;
  causationId?: string;
  producer?: string;
  occurredAt?: string;
  payload?: unknown;
  undecodable?: string;
  /** The type its eventType header announces, when its value could not be decoded. */
  announcedType?: string;
  /** The first 500 characters of a value that is not an envelope. */
  raw?: string;
}

export function messageView(r: BusRecord): MessageView {
  const where = { topic: r.topic, partition: r.partition, offset: r.offset, key: r.key, timestamp: r.timestamp };
  const e = r.envelope;
  if (!e) return { ...where, undecodable: r.undecodable, announcedType: r.headers[EnvelopeHeaders.eventType], raw: r.value?.toString('utf8').slice(0, 500) };
  return {
    ...where,
    eventType: e.eventType,
    eventVersion: e.eventVersion,
    eventId: e.eventId,
    orderId: e.orderId,
    correlationId: e.correlationId,
    causationId: e.causationId,
    producer: e.producer,
    occurredAt: e.occurredAt,
    payload: e.payload,
  };
}

/** A dead letter as the page shows it: the message, where it failed and why (the fields tools/ops reads). */
export interface DeadLetterView
  extends MessageView,
    Pick<DeadLetter, 'group' | 'originalTopic' | 'originalPartition' | 'originalOffset' | 'reason' | 'errorCode' | 'attempts' | 'failedAt'> {
  /** Set when this letter is itself a replayed one that failed again. */
  replayedFrom?: string;
}

export function deadLetterView(l: DeadLetter): DeadLetterView {
  const { group, originalTopic, originalPartition, originalOffset, reason, errorCode, attempts, failedAt } = l;
  return { ...messageView(l), group, originalTopic, originalPartition, originalOffset, reason, errorCode, attempts, failedAt, replayedFrom: l.headers[REPLAYED_FROM] };
}

/** The lane of events that went to a dead-letter topic instead of being handled. */
export const DEAD_LETTER_LANE = 'dead letters';

/** One order's saga drawn as swimlanes: a lane per producing service (in the order they first spoke), events oldest first. */
export interface Timeline {
  orderId: string;
  lanes: string[];
  events: (MessageView & { lane: string; deadLetter?: { group: string; reason: string } })[];
}

export function timeline(orderId: string, records: BusRecord[]): Timeline {
  const events = records.map((r) => {
    const view = messageView(r);
    if (!r.topic.endsWith('.dlq')) return { ...view, lane: view.producer ?? 'undecodable' };
    return { ...view, lane: DEAD_LETTER_LANE, deadLetter: { group: r.headers[DeadLetterHeaders.group] ?? '?', reason: r.headers[DeadLetterHeaders.reason] ?? '' } };
  });
  const lanes = [...new Set(events.map((e) => e.lane))];
  // Dead letters last: they are where the story went wrong, not a service of it.
  lanes.sort((a, b) => Number(a === DEAD_LETTER_LANE) - Number(b === DEAD_LETTER_LANE));
  return { orderId, lanes, events };
}
