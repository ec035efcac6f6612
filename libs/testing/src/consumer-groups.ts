/**
 * Consumer groups of a test run's own (CONSUMER_GROUP_PREFIX): which groups read which topics, starting them at the
 * topics' current ends, and forgetting them afterwards. Shared by the apps' integration tests (startApp) and the
 * end-to-end shop.
 */
import { ALL_EVENTS, SUBSCRIPTIONS } from '@homestore/events';
import type { KafkaDriver, PartitionOffset } from '@homestore/messaging';

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
export async function startGroupsAtTheEnd(driver: KafkaDriver, prefix: string, groups: Map<string, string[]>): Promise<void> {
  const admin = driver.admin();
  await admin.connect();
  try {
    const ends = new Map<string, PartitionOffset[]>();
    for (const topic of new Set([...groups.values()].flat())) {
      ends.set(topic, (await admin.topicOffsets(topic)).map((p) => ({ topic, partition: p.partition, offset: p.high })));
    }
    await Promise.all([...groups].map(([group, topics]) => admin.setGroupOffsets(`${prefix}${group}`, topics.flatMap((t) => ends.get(t)!))));
  } finally {
    await admin.disconnect();
  }
}

/** Leaves the broker as the run found it: every group named `<prefix>...` and its dead-letter topics (`<topic>.<prefix><group>.dlq`) go. */
export async function forgetGroups(driver: KafkaDriver, prefix: string): Promise<void> {
  // An empty prefix would mean the real groups and every dead-letter topic of the shop.
  if (!prefix) throw new Error('forgetGroups needs the prefix of a run of its own');
  const admin = driver.admin();
  await admin.connect();
  try {
    const mine = (await admin.listGroups()).filter((g) => g.startsWith(prefix));
    if (mine.length) await admin.deleteGroups(mine).catch(() => undefined);
    const dlqs = (await admin.listTopics()).filter((t) => t.includes(`.${prefix}`) && t.endsWith('.dlq'));
    if (dlqs.length) await admin.deleteTopics(dlqs);
  } finally {
    await admin.disconnect();
  }
}
