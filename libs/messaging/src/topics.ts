import { randomUUID } from 'node:crypto';
import { partitionKey } from './driver/port';
import type { Batch, GroupOptions, KafkaDriver, PartitionEnds, TopicSpec } from './driver/port';

/**
 * Creates the topics that are missing and resolves once every partition of every one of them has a leader that
 * answers for it.
 *
 * A KRaft broker answers UNKNOWN_TOPIC_OR_PARTITION for a moment after creating a topic (kafkajs' own
 * `waitForLeaders` gives up on it); here that only means "ask again". Topics that exist are left as they are.
 */
export async function ensureTopics(driver: KafkaDriver, specs: TopicSpec[], timeoutMs = 30_000): Promise<void> {
  if (!specs.length) return;
  const admin = driver.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length) await admin.createTopics(missing);
    const names = specs.map((s) => s.topic);
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const topics = await admin.partitionsOf(names);
        const led = topics.length === names.length && topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
        // The metadata can name a leader a moment before that broker serves the partition: ask it for the offsets too.
        if (led) {
          await Promise.all(missing.map((m) => admin.topicOffsets(m.topic)));
          return;
        }
      } catch (e) {
        lastError = e; // not everywhere yet: asked again below
      }
      if (Date.now() > deadline) throw new Error(`topics ${names.join(', ')} have no leader after ${timeoutMs} ms${lastError ? `: ${(lastError as Error).message}` : ''}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads these topics from their first kept record up to their ends as of the call, each partition's records in
 * order, in batches, with a throwaway consumer group that commits nothing and is deleted after. Answers the ends it
 * read up to (per topic, each partition's next offset). For a tool, a rebuild or a test: never for the services,
 * whose groups read on forever.
 */
export async function readToEnd(
  driver: KafkaDriver,
  topics: string[],
  onBatch: (batch: Batch) => void | Promise<void>,
): Promise<Record<string, PartitionEnds[]>> {
  const admin = driver.admin();
  await admin.connect();
  try {
    const ends: Record<string, PartitionEnds[]> = {};
    const remaining = new Map<string, bigint>(); // "topic:partition" → its end, still to reach
    for (const topic of topics) {
      ends[topic] = await admin.topicOffsets(topic);
      for (const p of ends[topic]) if (BigInt(p.high) > BigInt(p.low)) remaining.set(partitionKey(topic, p.partition), BigInt(p.high));
    }
    if (!remaining.size) return ends;
    const groupId = `homestore-read-${randomUUID()}`;
    const consumer = driver.consumer(throwawayGroup(groupId));
    await consumer.connect();
    try {
      await consumer.subscribe(topics);
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            partitionsAtOnce: 1,
            eachBatch: async (batch, control) => {
              const key = partitionKey(batch.topic, batch.partition);
              const end = remaining.get(key);
              if (end === undefined) return;
              const messages = batch.messages.filter((m) => BigInt(m.offset) < end);
              // A failing onBatch ends the read (a client would only retry the batch).
              if (messages.length) await Promise.resolve(onBatch({ ...batch, messages })).catch(reject);
              for (const m of batch.messages) control.resolveOffset(m.offset);
              const last = batch.messages[batch.messages.length - 1];
              if (last && BigInt(last.offset) + 1n >= end) remaining.delete(key);
              if (!remaining.size) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Hands on, batch by batch, every message published to these topics from now on (after their ends as of the call:
 * nothing published once this resolves is missed), with a throwaway consumer group, until the answered `stop`, which
 * deletes the group. For a tool or a test.
 */
export async function watchFromNow(
  driver: KafkaDriver,
  topics: string[],
  onBatch: (batch: Batch) => void | Promise<void>,
): Promise<{ stop: () => Promise<void> }> {
  const groupId = `homestore-watch-${randomUUID()}`;
  const admin = driver.admin();
  await admin.connect();
  try {
    const ends = await Promise.all(topics.map(async (topic) => (await admin.topicOffsets(topic)).map((p) => ({ topic, partition: p.partition, offset: p.high }))));
    await admin.setGroupOffsets(groupId, ends.flat());
  } finally {
    await admin.disconnect();
  }
  const consumer = driver.consumer(throwawayGroup(groupId));
  await consumer.connect();
  await consumer.subscribe(topics);
  await consumer.run({
    partitionsAtOnce: 1,
    eachBatch: async (batch, control) => {
      await onBatch(batch);
      for (const m of batch.messages) control.resolveOffset(m.offset);
    },
  });
  return {
    stop: async () => {
      await consumer.disconnect();
      await admin.connect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** A tool's or a test's short-lived group member: quick fetches, no tuning for load. */
export function throwawayGroup(groupId: string): GroupOptions {
  return { groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, heartbeatIntervalMs: 1000, minBytes: 1, maxWaitMs: 100 };
}
