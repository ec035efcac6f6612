import type { Kafka } from 'kafkajs';

/**
 * Commits these offsets for a consumer group that has no live members, for every topic in one group join (kafkajs'
 * admin.setOffsets joins once per topic, seconds each). Same technique: a paused member seeks, and kafkajs commits
 * the seeks as it fetches; done once the group's committed offsets read back as asked.
 */
export async function setGroupOffsets(kafka: Kafka, groupId: string, offsets: Record<string, { partition: number; offset: string }[]>): Promise<void> {
  const topics = Object.keys(offsets);
  const wanted = topics.flatMap((topic) => offsets[topic].map((p) => `${topic}:${p.partition}:${p.offset}`)).sort();
  const admin = kafka.admin();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  await Promise.all([admin.connect(), consumer.connect()]);
  try {
    const committed = async () =>
      (await admin.fetchOffsets({ groupId, topics }))
        .flatMap((t) => t.partitions.map((p) => `${t.topic}:${p.partition}:${p.offset}`))
        .sort();
    await consumer.subscribe({ topics, fromBeginning: true });
    let settled = false;
    let checking: Promise<unknown> | undefined;
    let removeListeners = () => undefined as unknown;
    await new Promise<void>((resolve, reject) => {
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        removeListeners();
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => finish(new Error(`offsets of ${groupId} were not committed in time`)), 60_000);
      // Paused and seeking at every join, not once after run(): when a join fails (a fresh broker's coordinator is
      // still loading, say), kafkajs restarts the consumer with a new group state that knows neither.
      const removeJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
        consumer.pause(topics.map((topic) => ({ topic })));
        for (const topic of topics) for (const { partition, offset } of offsets[topic]) consumer.seek({ topic, partition, offset });
      });
      const removeFetch = consumer.on(consumer.events.FETCH, () => {
        if (settled || checking) return;
        // One check at a time, awaited before the admin disconnects: a late one would reconnect it.
        checking = committed()
          .then((now) => now.join() === wanted.join() && finish(), finish)
          .finally(() => (checking = undefined));
      });
      removeListeners = () => {
        removeJoin();
        removeFetch();
      };
      consumer.run({ eachBatchAutoResolve: false, eachBatch: async () => undefined }).catch(finish);
    });
    await checking;
  } finally {
    await consumer.disconnect();
    await admin.disconnect();
  }
}
