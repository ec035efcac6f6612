import { randomUUID } from 'node:crypto';
import { IsIn, IsInt, IsString, IsUUID, Min } from 'class-validator';
import { Registry } from 'prom-client';
import { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { defineEvent, EventEnvelope, EventOf, Topic } from '@homestore/events';
import { databaseUrl, dataSourceOptions, ensureDatabase } from '@homestore/persistence';
import { dropDatabase, eventually, testDriver } from '@homestore/testing';
import { ConsumedMessage, CreateMessagingTables1763800000000, ensureTopics, EventContext, KafkaDriver, KafkaProducer, MessagingMetrics, throwawayGroup } from '../src';

export { dropDatabase, eventually, testDriver };

export const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
export const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** A unique, readable name for this run's topics, groups and databases. */
export function unique(prefix: string): string {
  return `${prefix}_${randomUUID().slice(0, 8)}`;
}

export type Behaviour = 'ok' | 'always-fail' | 'fail-twice';

export class TestHappenedPayload {
  @IsUUID() id: string;
  @IsString() key: string;
  @IsInt() @Min(0) seq: number;
  @IsIn(['ok', 'always-fail', 'fail-twice']) behaviour: Behaviour;
}

/** A test event type on a topic of its own. */
export function testEvent(topic: string) {
  return defineEvent({
    type: 'TestHappened',
    version: 1,
    topic: topic as Topic,
    producer: 'test',
    aggregateType: 'test',
    aggregateIdField: 'key',
    keyField: 'key',
    payload: TestHappenedPayload,
    description: 'test',
  });
}

export type TestHappened = EventOf<ReturnType<typeof testEvent>>;

/** The envelope of a TestHappened of `key`, number `seq` in its key's order; `overrides` replace any field. */
export function testEnvelope(key: string, seq: number, behaviour: Behaviour = 'ok', overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    eventId: randomUUID(),
    eventType: 'TestHappened',
    eventVersion: 1,
    aggregateType: 'test',
    aggregateId: key,
    correlationId: 'corr',
    causationId: 'cause',
    producer: 'test',
    occurredAt: new Date().toISOString(),
    payload: { id: randomUUID(), key, seq, behaviour },
    ...overrides,
  };
}

class CreateEffects1763800000001 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE effects (n bigserial PRIMARY KEY, event_id uuid NOT NULL, key text NOT NULL, seq int NOT NULL, worker text NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE effects`);
  }
}

/** A fresh database with the messaging tables and an `effects` table that handlers write to. */
export async function testDatabase(name: string, poolSize = 10): Promise<DataSource> {
  await ensureDatabase(SERVER_URL, name);
  const ds = new DataSource(
    dataSourceOptions({
      url: databaseUrl(SERVER_URL, name),
      entities: [],
      migrations: [CreateMessagingTables1763800000000, CreateEffects1763800000001],
      poolSize,
    }),
  );
  await ds.initialize();
  return ds;
}

export async function createTopic(driver: KafkaDriver, topic: string, numPartitions: number): Promise<void> {
  await ensureTopics(driver, [{ topic, numPartitions }]);
}

export function newMetrics(): MessagingMetrics {
  return new MessagingMetrics(new Registry());
}

/** Records the effect of handling a test event; fails as its payload asks. */
export function effectHandler(worker: string, attempts = new Map<string, number>()) {
  return async (event: TestHappened, ctx: EventContext): Promise<void> => {
    const { em } = ctx.getWork();
    const n = (attempts.get(event.eventId) ?? 0) + 1;
    attempts.set(event.eventId, n);
    if (event.payload.behaviour === 'always-fail') throw new Error(`handler always fails (attempt ${n})`);
    if (event.payload.behaviour === 'fail-twice' && n <= 2) throw new Error(`transient failure ${n}`);
    await em.query(`INSERT INTO effects (event_id, key, seq, worker) VALUES ($1, $2, $3, $4)`, [
      event.eventId,
      event.payload.key,
      event.payload.seq,
      worker,
    ]);
  };
}

/** Reads every message of a topic from the beginning until `until` holds or the timeout passes. */
export async function readTopic(
  driver: KafkaDriver,
  topic: string,
  until: (messages: ConsumedMessage[]) => boolean,
  timeoutMs = 20_000,
): Promise<ConsumedMessage[]> {
  const consumer = driver.consumer(throwawayGroup(unique('reader')));
  const messages: ConsumedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe([topic]);
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  await consumer.run({
    partitionsAtOnce: 1,
    eachBatch: async (batch, control) => {
      for (const message of batch.messages) {
        messages.push(message);
        control.resolveOffset(message.offset);
      }
      if (until(messages)) resolveDone();
    },
  });
  const timer = setTimeout(resolveDone, timeoutMs);
  if (until(messages)) resolveDone();
  await done;
  clearTimeout(timer);
  await consumer.disconnect();
  return messages;
}

export const header = (m: ConsumedMessage, name: string) => m.headers[name]?.toString();

import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface Worker {
  process: ChildProcess;
  /** Resolves once the worker says it is ready; rejects if it exits before. */
  ready: Promise<void>;
  /** Resolves with the exit code, or the signal that killed it. */
  exited: Promise<number | string>;
}

/** Starts test/fixtures/worker.ts in its own process (ROLE relay or consumer, see there). */
export function spawnWorker(env: Record<string, string>): Worker {
  const root = join(__dirname, '..', '..', '..');
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'fixtures', 'worker.ts')], {
    cwd: root,
    env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json'), KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    void exited.then((how) => reject(new Error(`worker exited (${how}) before it was ready:\n${output.slice(-3000)}`)));
  });
  ready.catch(() => undefined);
  return { process: child, ready, exited };
}

/** Consumed-message counts by outcome (handled, duplicate, skipped, dead_lettered), from the consumer's metrics. */
export async function outcomes(metrics: MessagingMetrics): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const v of (await metrics.consumed.get()).values) {
    const outcome = String(v.labels.outcome);
    counts[outcome] = (counts[outcome] ?? 0) + v.value;
  }
  return counts;
}

/** What one test owns: a database, a topic and a connected producer; `close` stops what it started, then drops them. */
export interface Sandbox {
  db: string;
  ds: DataSource;
  topic: string;
  producer: KafkaProducer;
  /** Relays and consumers to stop before the database goes. */
  running: { stop(): Promise<void> }[];
  close(): Promise<void>;
}

export async function openSandbox(name: string, partitions: number, poolSize = 10): Promise<Sandbox> {
  const kafka = testDriver('test');
  const db = unique(`hs_${name}`);
  const topic = unique(`test.${name}`);
  const ds = await testDatabase(db, poolSize);
  await createTopic(kafka, topic, partitions);
  const producer = kafka.producer();
  await producer.connect();
  const running: Sandbox['running'] = [];
  return {
    db,
    ds,
    topic,
    producer,
    running,
    async close() {
      await Promise.all(running.splice(0).map((r) => r.stop()));
      await producer.disconnect();
      await ds.destroy();
      await dropDatabase(db);
      // Leave the shared broker as we found it: the topic and any dead-letter topics made for it.
      const admin = kafka.admin();
      await admin.connect();
      const mine = (await admin.listTopics()).filter((t) => t === topic || t.startsWith(`${topic}.`));
      await admin.deleteTopics(mine).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
