/**
 * `npm run mypage:rebuild`: drops myPage's rows and rebuilds them from the topics (MYPAGE_TOPICS), from the beginning,
 * through the same projection the live consumer uses; then moves the order-mypage group's offsets to the end it
 * rebuilt to, so the live consumer carries on from there. Run it while the order app is stopped: Kafka refuses to move the
 * offsets of a group with live members, and this refuses to start while the group has any.
 */
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decodeEnvelope, decodeEvent, EventDefinition, EventEnvelope, Topics } from '@homestore/events';
import { consumerGroup, driverOf, inLanes, KafkaDriver, readToEnd } from '@homestore/messaging';
import { loadConfig } from '@homestore/platform';
import { databaseUrl, dataSourceOptions, ensureDatabase, inUnitOfWork } from '@homestore/persistence';
import { ConsumerGroups } from '../consumer-groups';
import { orderMigrations } from '../infrastructure/migrations';
import { OrderConfig } from '../order.config';
import { MYPAGE_EVENTS, orderIdOf, projects } from './mypage-projection';
import { MyPageStore } from './mypage.store';

export interface RebuildOptions {
  dataSource: DataSource;
  driver: KafkaDriver;
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

export async function rebuildMyPage({ dataSource, driver, group, topics = MYPAGE_TOPICS, log = () => undefined }: RebuildOptions): Promise<RebuildResult> {
  const definitions = new Map<string, EventDefinition>(MYPAGE_EVENTS.map((d) => [d.type, d]));
  const store = new MyPageStore();
  const admin = driver.admin();
  await admin.connect();
  try {
    const members = (await admin.describeGroups([group]))[0]?.members ?? 0;
    if (members) throw new Error(`consumer group ${group} has ${members} live member(s): stop the order app, then rebuild`);
    await dataSource.transaction((em) => store.clear(em));
    log(`myPage cleared; replaying ${topics.join(', ')} from the beginning`);

    let events = 0;
    const read = await readToEnd(driver, topics, async (batch) => {
      const decoded: EventEnvelope<unknown>[] = [];
      for (const message of batch.messages) {
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
    });
    const ends: RebuildResult['ends'] = Object.fromEntries(Object.entries(read).map(([topic, ps]) => [topic, ps.map((p) => ({ partition: p.partition, offset: p.high }))]));
    await admin.setGroupOffsets(group, Object.entries(ends).flatMap(([topic, ps]) => ps.map((p) => ({ topic, ...p }))));
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM mypage_orders`);
    log(`myPage rebuilt from ${events} events up to ${JSON.stringify(ends)}: ${n} orders; group ${group} now starts at the rebuilt end`);
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
  const driver = driverOf('order-mypage-rebuild', config);
  const logger = new Logger('mypage:rebuild');
  logger.log('rebuilding myPage while the order app is stopped (its consumer group must have no members)');
  try {
    await rebuildMyPage({ dataSource, driver, group: consumerGroup(config, ConsumerGroups.myPage), log: (line) => logger.log(line) });
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
