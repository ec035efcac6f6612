/**
 * `npm run mypage:rebuild`: drops myPage's rows and rebuilds them from the topics (MYPAGE_TOPICS), from the beginning,
 * through the same projection the live consumer uses; then moves the order-mypage group's offsets to the end it
 * rebuilt to, so the live consumer carries on from there. Run it while the order app is stopped: Kafka refuses to move the
 * offsets of a group with live members, and this refuses to start while the group has any.
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { decodeEnvelope, decodeEvent, EventDefinition, EventEnvelope, Topics } from '@homestore/events';
import { consumerGroup, createKafka, inLanes, setGroupOffsets } from '@homestore/messaging';
import { loadConfig } from '@homestore/platform';
import { databaseUrl, dataSourceOptions, ensureDatabase, inUnitOfWork } from '@homestore/persistence';
import { ConsumerGroups } from '../consumer-groups';
import { orderMigrations } from '../infrastructure/migrations';
import { OrderConfig } from '../order.config';
import { MYPAGE_EVENTS, orderIdOf, projects } from './mypage-projection';
import { MyPageStore } from './mypage.store';

export interface RebuildOptions {
  dataSource: DataSource;
  kafka: Kafka;
  /** The consumer group of the live read model, whose offsets move to the rebuilt end. */
  group: string;
  /** The topics myPage is kept from. */
  topics?: string[];
  log?: (line: string) => void;
}

export interface RebuildResult {
  events: number;
  orders: number;
  /** Per topic, the offset of each partition the read model was rebuilt to. */
  ends: Record<string, { partition: number; offset: string }[]>;
}

export const MYPAGE_TOPICS = [Topics.Order, Topics.Payment, Topics.Store, Topics.Delivery, Topics.Mileage];

export async function rebuildMyPage({ dataSource, kafka, group, topics = MYPAGE_TOPICS, log = () => undefined }: RebuildOptions): Promise<RebuildResult> {
  const definitions = new Map<string, EventDefinition>(MYPAGE_EVENTS.map((d) => [d.type, d]));
  const store = new MyPageStore();
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [described] = (await admin.describeGroups([group])).groups;
    if (described?.members.length) {
      throw new Error(`consumer group ${group} has ${described.members.length} live member(s): stop the order app, then rebuild`);
    }
    const ends: RebuildResult['ends'] = {};
    const remaining = new Map<string, number>(); // "topic:partition" → end offset still to reach
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends[topic] = offsets.map((o) => ({ partition: o.partition, offset: o.high }));
      for (const o of offsets) if (Number(o.high) > Number(o.low)) remaining.set(`${topic}:${o.partition}`, Number(o.high));
    }
    await dataSource.transaction((em) => store.clear(em));
    log(`myPage cleared; replaying ${topics.join(', ')} up to ${JSON.stringify(ends)}`);

    let events = 0;
    if (remaining.size) {
      const replayGroup = `${group}-rebuild-${randomUUID()}`;
      const consumer = kafka.consumer({ groupId: replayGroup, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const key = `${batch.topic}:${batch.partition}`;
              const end = remaining.get(key);
              if (end === undefined) return;
              const upToEnd = batch.messages.filter((m) => Number(m.offset) < end);
              const decoded: EventEnvelope<unknown>[] = [];
              for (const message of upToEnd) {
                try {
                  const envelope = decodeEnvelope(message.value);
                  const definition = definitions.get(envelope.eventType);
                  const event = definition && decodeEvent(definition, envelope);
                  if (event && projects(event)) decoded.push(event);
                } catch (e) {
                  // The live consumer dead-letters such a message; it never reached the read model.
                  log(`skipped ${batch.topic}[${batch.partition}]@${message.offset}: ${(e as Error).message}`);
                }
              }
              if (decoded.length) await inUnitOfWork(dataSource, (work) => inLanes(decoded, orderIdOf, (event) => store.apply(work, event)));
              events += decoded.length;
              const last = batch.messages[batch.messages.length - 1];
              if (last && Number(last.offset) + 1 >= end) remaining.delete(key);
              if (!remaining.size) resolve();
            },
          })
          .catch(reject);
      });
      await consumer.disconnect();
      await admin.deleteGroups([replayGroup]).catch(() => undefined);
    }

    await setGroupOffsets(kafka, group, ends);
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM mypage_orders`);
    log(`myPage rebuilt from ${events} events: ${n} orders; group ${group} now starts at the rebuilt end`);
    return { events, orders: n, ends };
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  const config = loadConfig('order', OrderConfig);
  const name = config.DATABASE_NAME ?? 'homestore_order';
  await ensureDatabase(config.DATABASE_URL, name);
  const dataSource = new DataSource(dataSourceOptions({ url: databaseUrl(config.DATABASE_URL, name), entities: [], migrations: orderMigrations }));
  await dataSource.initialize();
  const kafka = createKafka('order-mypage-rebuild', config.KAFKA_BROKERS);
  const logger = new Logger('mypage:rebuild');
  logger.log('rebuilding myPage while the order app is stopped (its consumer group must have no members)');
  try {
    await rebuildMyPage({ dataSource, kafka, group: consumerGroup(config, ConsumerGroups.myPage), log: (line) => logger.log(line) });
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e: Error) => {
      new Logger('mypage:rebuild').error(e.message);
      process.exit(1);
    },
  );
}
