/**
 * Consumer groups of a test run's own (CONSUMER_GROUP_PREFIX): which groups read which topics, starting them at the
 * topics' current ends, and forgetting them afterwards. Shared by the apps' integration tests (startApp) and the
 * end-to-end shop.
 */
import type { Kafka } from 'kafkajs';
import { ALL_EVENTS, SUBSCRIPTIONS } from '@homestore/events';
import { setGroupOffsets } from '@homestore/messaging';

/** Every consumer group of the shop (libs/events' subscription list) with the topics it reads. */
export function shopGroups(): Map<string, string[]> {
  const groups = new Map<string, Set<string>>();
  for (const event of ALL_EVENTS) {
    for (const { group } of SUBSCRIPTIONS[event.type] ?? []) groups.set(group, (groups.get(group) ?? new Set()).add(event.topic));
  }
  return new Map([...groups].map(([group, topics]) => [group, [...topics]]));
}

/** The groups one service consumes in, with their topics: the one named for the service and its own (`order-mypage`). */
export function groupsOf(service: string): Map<string, string[]> {
  return new Map([...shopGroups()].filter(([group]) => group === service || group.startsWith(`${service}-`)));
}

/**
 * A fresh group would start at the beginning of its topics, which hold every event earlier runs published: these
 * groups (under `prefix`) start at the topics' current ends instead. Call it before the apps join them, once the
 * topics exist.
 */
export async function startGroupsAtTheEnd(kafka: Kafka, prefix: string, groups: Map<string, string[]>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends: Record<string, { partition: number; offset: string }[]> = {};
  try {
    for (const topic of new Set([...groups.values()].flat())) {
      ends[topic] = (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high }));
    }
  } finally {
    await admin.disconnect();
  }
  await Promise.all(
    [...groups].map(([group, topics]) => setGroupOffsets(kafka, `${prefix}${group}`, Object.fromEntries(topics.map((t) => [t, ends[t]])))),
  );
}

/** Leaves the broker as the run found it: every group named `<prefix>...` and its dead-letter topics (`<topic>.<prefix><group>.dlq`) go. */
export async function forgetGroups(kafka: Kafka, prefix: string): Promise<void> {
  // An empty prefix would mean the real groups and every dead-letter topic of the shop.
  if (!prefix) throw new Error('forgetGroups needs the prefix of a run of its own');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const mine = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (mine.length) await admin.deleteGroups(mine).catch(() => undefined);
    const dlqs = (await admin.listTopics()).filter((t) => t.includes(`.${prefix}`) && t.endsWith('.dlq'));
    if (dlqs.length) await admin.deleteTopics({ topics: dlqs });
  } finally {
    await admin.disconnect();
  }
}
