import { randomUUID } from 'node:crypto';
import { ALL_EVENTS, ALL_TOPICS, decodeEnvelope, EventEnvelope } from '@homestore/events';
import { Batch, ConsumedMessage, DeadLetterHeaders, KafkaDriver, readToEnd, watchFromNow } from '@homestore/messaging';

/** One message as an operator sees it: where it is, its headers, and its envelope or why it has none. */
export interface BusRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  timestamp: string;
  headers: { [name: string]: string };
  value: Buffer | null;
  envelope?: EventEnvelope<{ [field: string]: unknown }>;
  undecodable?: string;
}

export function toRecord(topic: string, partition: number, message: ConsumedMessage): BusRecord {
  const headers = Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, v?.toString() ?? '']));
  const record: BusRecord = {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    timestamp: new Date(Number(message.timestamp)).toISOString(),
    headers,
    value: message.value,
  };
  try {
    record.envelope = decodeEnvelope(message.value);
  } catch (e) {
    record.undecodable = (e as Error).message;
  }
  return record;
}

/** Every record of a topic from its first retained offset to its end as of now; consumes with a throwaway group that commits nothing. */
export async function readTopic(driver: KafkaDriver, topic: string): Promise<BusRecord[]> {
  const records: BusRecord[] = [];
  await readToEnd(driver, [topic], (batch) => {
    for (const message of batch.messages) records.push(toRecord(topic, batch.partition, message));
  });
  return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

/** Follows a topic until `signal` aborts, calling `onRecord` for each message (from the start, or only new ones). */
export async function tailTopic(driver: KafkaDriver, topic: string, fromBeginning: boolean, onRecord: (r: BusRecord) => void, signal: AbortSignal): Promise<void> {
  const onBatch = (batch: Batch) => batch.messages.forEach((message) => onRecord(toRecord(topic, batch.partition, message)));
  if (fromBeginning) await readToEnd(driver, [topic], onBatch);
  if (signal.aborted) return;
  const watch = await watchFromNow(driver, [topic], onBatch);
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await watch.stop();
}

export interface DeadLetter extends BusRecord {
  group: string;
  originalTopic: string;
  originalPartition: string;
  originalOffset: string;
  reason: string;
  errorCode: string;
  attempts: string;
  failedAt: string;
}

/** The dead-letter topics (`<topic>.<group>.dlq`), optionally of one consumer group. */
export async function deadLetterTopics(driver: KafkaDriver, group?: string): Promise<string[]> {
  const admin = driver.admin();
  await admin.connect();
  const topics = await admin.listTopics().finally(() => admin.disconnect());
  return topics.filter((t) => t.endsWith('.dlq') && (!group || t.endsWith(`.${group}.dlq`))).sort();
}

/** Every dead letter of the given dead-letter topics, with why it failed and where it came from. */
export async function listDeadLetters(driver: KafkaDriver, topics: string[]): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (const topic of topics) {
    for (const r of await readTopic(driver, topic)) {
      const h = r.headers;
      letters.push({
        ...r,
        group: h[DeadLetterHeaders.group] ?? '?',
        originalTopic: h[DeadLetterHeaders.topic] ?? '?',
        originalPartition: h[DeadLetterHeaders.partition] ?? '?',
        originalOffset: h[DeadLetterHeaders.offset] ?? '?',
        reason: h[DeadLetterHeaders.reason] ?? '',
        errorCode: h[DeadLetterHeaders.errorCode] ?? '',
        attempts: h[DeadLetterHeaders.attempts] ?? '',
        failedAt: h[DeadLetterHeaders.failedAt] ?? '',
      });
    }
  }
  return letters;
}

export interface ReplaySelection {
  /** Offsets in the dead-letter topic ("partition:offset" or just "offset" for any partition); all when absent. */
  offsets?: string[];
  eventType?: string;
  reason?: RegExp;
}

/** True when a dead letter is picked by the selection. */
export function selects(letter: DeadLetter, { offsets, eventType, reason }: ReplaySelection): boolean {
  if (offsets?.length && !offsets.some((o) => o === letter.offset || o === `${letter.partition}:${letter.offset}`)) return false;
  if (eventType && letter.envelope?.eventType !== eventType && letter.headers.eventType !== eventType) return false;
  if (reason && !reason.test(letter.reason)) return false;
  return true;
}

/**
 * Sends the selected dead letters back to their original topic, with their original key, value and headers
 * (the dead-letter headers removed, `dlq-replayed-from` added). Every group of that topic sees them again;
 * groups that had handled the event skip it through their inbox. Returns the letters replayed.
 */
export async function replayDeadLetters(driver: KafkaDriver, dlqTopic: string, selection: ReplaySelection): Promise<DeadLetter[]> {
  const letters = (await listDeadLetters(driver, [dlqTopic])).filter((l) => selects(l, selection));
  if (!letters.length) return letters;
  const producer = driver.producer();
  await producer.connect();
  try {
    for (const letter of letters) {
      const headers: Record<string, string> = Object.fromEntries(Object.entries(letter.headers).filter(([k]) => !k.startsWith('dlq-')));
      headers['dlq-replayed-from'] = `${dlqTopic}@${letter.partition}:${letter.offset}`;
      await producer.send([{ topic: letter.originalTopic, messages: [{ key: letter.key ?? '', value: letter.value ?? '', headers }] }]);
    }
  } finally {
    await producer.disconnect();
  }
  return letters;
}

export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  committed: string;
  end: string;
  lag: number;
}

/** Committed offset, end offset and lag of every partition a group has committed on (all groups when none given). */
export async function consumerLag(driver: KafkaDriver, group?: string): Promise<PartitionLag[]> {
  const admin = driver.admin();
  await admin.connect();
  try {
    const groups = group ? [group] : (await admin.listGroups()).filter((g) => !g.startsWith('ops-') && !g.startsWith('homestore-read-'));
    const rows: PartitionLag[] = [];
    for (const groupId of groups.sort()) {
      for (const { topic, partitions } of await admin.groupOffsets(groupId)) {
        const ends = new Map((await admin.topicOffsets(topic)).map((p) => [p.partition, p]));
        for (const p of partitions) {
          const end = ends.get(p.partition);
          if (!end) continue;
          const from = BigInt(p.offset) < 0n ? BigInt(end.low) : BigInt(p.offset);
          rows.push({ group: groupId, topic, partition: p.partition, committed: p.offset, end: end.high, lag: Number(BigInt(end.high) - from) });
        }
      }
    }
    return rows;
  } finally {
    await admin.disconnect();
  }
}

/**
 * The topics an order's saga runs through (order, payment, store, delivery, mileage): every topic with an event
 * that names its order, so that a new participant's topic joins the timeline when its events are defined.
 */
export const SAGA_TOPICS: string[] = ALL_TOPICS.filter((topic) => ALL_EVENTS.some((e) => e.topic === topic && e.orderIdField));

/**
 * Every event of one order across the given topics (and their dead-letter topics), oldest first. Found by the
 * envelope's orderId, or by the key on topics keyed by the order: mileage's events are keyed by the customer
 * and name their order only in the envelope.
 */
export async function followOrder(driver: KafkaDriver, orderId: string, topics: string[] = SAGA_TOPICS): Promise<BusRecord[]> {
  const dlqs = (await deadLetterTopics(driver)).filter((d) => topics.some((t) => d.startsWith(`${t}.`)));
  const timeline: BusRecord[] = [];
  for (const topic of [...topics, ...dlqs]) {
    for (const r of await readTopic(driver, topic)) if (r.key === orderId || r.envelope?.orderId === orderId) timeline.push(r);
  }
  const at = (r: BusRecord) => r.envelope?.occurredAt ?? r.timestamp;
  return timeline.sort((a, b) => at(a).localeCompare(at(b)));
}
