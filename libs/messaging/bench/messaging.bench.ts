/**
 * npm run bench:messaging — the messaging library's figures on this machine, for each Kafka client side by side:
 *   1. raw send rate through the driver's producer (idempotent, acks=all, as the relay's)
 *   2. the relay's drain rate for 50,000 pre-filled outbox rows, and its ratio to (1)   [target >= 0.5]
 *   3. the consume-with-inbox rate of one consumer group over those events
 *   4. commit-to-publish latency p50/p99 at a steady 1,000 events/s                      [target p99 < 50 ms]
 * Environment: BENCH_EVENTS (default 50000), BENCH_STEADY_SECONDS (default 10), BENCH_RATE (default 1000),
 * BENCH_CLIENTS (default every KAFKA_CLIENT, one after the other: kafkajs,platformatic).
 */
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { inUnitOfWork } from '@homestore/persistence';
import { driverFromEnv, ensureTopics, EventConsumer, KAFKA_CLIENTS, KafkaDriver, Outbox, OutboxRelay } from '../src';
import { createTopic, dropDatabase, eventually, header, newMetrics, outcomes, readTopic, testDatabase, testEvent } from '../test/support';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const PARTITIONS = 6;
const CLIENTS = (process.env.BENCH_CLIENTS ?? KAFKA_CLIENTS.join(',')).split(',');
const outbox = new Outbox('bench');

/** One client's run: its driver, and topics, a group and a database of its own. */
interface Run {
  kafka: KafkaDriver;
  stamp: string;
  rawTopic: string;
  topic: string;
  Happened: ReturnType<typeof testEvent>;
}

const payload = (i: number) => ({ id: randomUUID(), key: `order-${i % 1000}`, seq: i, behaviour: 'ok' as const });

function rate(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function rawSendRate({ kafka, rawTopic }: Run): Promise<number> {
  const producer = kafka.producer();
  await producer.connect();
  // Messages shaped like the relay's: the same envelope size, key and headers.
  const template = (i: number) => {
    const envelope = { eventId: randomUUID(), eventType: 'TestHappened', eventVersion: 1, aggregateType: 'test', aggregateId: `order-${i % 1000}`, correlationId: randomUUID(), causationId: randomUUID(), producer: 'bench', occurredAt: new Date().toISOString(), payload: payload(i) };
    return { key: envelope.aggregateId, value: JSON.stringify(envelope), headers: { eventType: 'TestHappened', eventId: envelope.eventId, correlationId: envelope.correlationId, traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` } };
  };
  const batches = Array.from({ length: Math.ceil(EVENTS / 1000) }, (_, b) => Array.from({ length: Math.min(1000, EVENTS - b * 1000) }, (_, i) => template(b * 1000 + i)));
  const started = performance.now();
  for (const messages of batches) await producer.send([{ topic: rawTopic, messages }]);
  const elapsed = performance.now() - started;
  await producer.disconnect();
  return rate(EVENTS, elapsed);
}

async function prefillOutbox(ds: DataSource, Happened: Run['Happened']): Promise<void> {
  for (let start = 0; start < EVENTS; start += 1000) {
    await inUnitOfWork(ds, async (work) =>
      outbox.add(work, Array.from({ length: Math.min(1000, EVENTS - start) }, (_, i) => ({ definition: Happened, payload: payload(start + i) }))),
    );
  }
}

async function relayDrainRate({ kafka, Happened }: Run, ds: DataSource): Promise<number> {
  await prefillOutbox(ds, Happened);
  const producer = kafka.producer();
  await producer.connect();
  const relay = new OutboxRelay(ds, producer, newMetrics(), { batchSize: 1000, pollIntervalMs: 60_000 });
  const started = performance.now();
  await relay.start();
  await relay.flush();
  const elapsed = performance.now() - started;
  const { backlog } = await relay.stats();
  if (backlog !== 0) throw new Error(`relay stopped with ${backlog} rows unsent`);
  await relay.stop();
  await producer.disconnect();
  return rate(EVENTS, elapsed);
}

async function consumeRate({ kafka, stamp, Happened }: Run, ds: DataSource): Promise<number> {
  const producer = kafka.producer();
  await producer.connect();
  const metrics = newMetrics();
  const consumer = new EventConsumer({
    driver: kafka,
    dataSource: ds,
    producer,
    metrics,
    group: `bench-${stamp}`,
    handlers: [{ definition: Happened, handle: async () => undefined }],
    partitionsConsumedConcurrently: PARTITIONS,
  });
  const started = performance.now();
  await consumer.start();
  await eventually('every event to be consumed', () => outcomes(metrics), (o) => (o.handled ?? 0) >= EVENTS, 600_000);
  const elapsed = performance.now() - started;
  await consumer.stop();
  await producer.disconnect();
  return rate(EVENTS, elapsed);
}

async function steadyLatency({ kafka, topic }: Run, ds: DataSource): Promise<{ p50: number; p99: number; max: number; count: number; achieved: number }> {
  // The broker stamps each record as it appends it: that is the moment of publication.
  const steadyTopic = `${topic}.steady`;
  await ensureTopics(kafka, [{ topic: steadyTopic, numPartitions: PARTITIONS, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }]);
  const Steady = testEvent(steadyTopic);
  const producer = kafka.producer();
  await producer.connect();
  const relay = new OutboxRelay(ds, producer, newMetrics(), { batchSize: 1000, pollIntervalMs: 500 });
  await relay.start();
  const total = RATE * STEADY_SECONDS;
  const tickMs = 10;
  const committedAt = new Map<string, number>();
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  let sent = 0;
  // Each event is its own transaction, as in a service; ticks are scheduled against the start time, so no drift.
  while (sent < total) {
    const due = Math.min(total, Math.ceil(((performance.now() - started) / 1000) * RATE));
    for (; sent < due; sent++) {
      const i = sent;
      inFlight.push(inUnitOfWork(ds, async (work) => outbox.add(work, [{ definition: Steady, payload: payload(i) }])).then(([e]) => committedAt.set(e.eventId, Date.now())));
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await Promise.all(inFlight);
  const achieved = rate(total, performance.now() - started);
  const messages = await readTopic(kafka, steadyTopic, (m) => m.length >= total, 120_000);
  await relay.stop();
  await producer.disconnect();
  const ms = messages.map((m) => Number(m.timestamp) - committedAt.get(header(m, 'eventId')!)!).sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms[ms.length - 1], count: ms.length, achieved };
}

interface Figures {
  raw: number;
  relay: number;
  consume: number;
  steady: Awaited<ReturnType<typeof steadyLatency>>;
}

/** The four figures of one client, on topics and a database of its own (deleted after). */
async function measure(client: string): Promise<Figures> {
  const stamp = `${client}-${Date.now().toString(36)}`;
  const topic = `bench.outbox.${stamp}`;
  const run: Run = { kafka: driverFromEnv(`bench-${client}`, { ...process.env, KAFKA_CLIENT: client }), stamp, rawTopic: `bench.raw.${stamp}`, topic, Happened: testEvent(topic) };
  const { kafka } = run;
  await createTopic(kafka, run.rawTopic, PARTITIONS);
  await createTopic(kafka, topic, PARTITIONS);
  const db = `hs_bench_${stamp.replace(/-/g, '_')}`;
  const ds = await testDatabase(db, 12);
  try {
    const raw = await rawSendRate(run);
    console.log(`${client}: raw send ${raw} msg/s`);
    const relay = await relayDrainRate(run, ds);
    console.log(`${client}: relay drain (${EVENTS} rows) ${relay} rows/s, ${(relay / raw).toFixed(2)} of raw (target >= 0.50)`);
    const consume = await consumeRate(run, ds);
    console.log(`${client}: consume with inbox ${consume} events/s`);
    const steady = await steadyLatency(run, ds);
    console.log(`${client}: commit-to-publish @ ${RATE}/s p50 ${steady.p50.toFixed(1)} ms, p99 ${steady.p99.toFixed(1)} ms, max ${steady.max.toFixed(1)} ms over ${steady.count} events (offered ${steady.achieved}/s) (target p99 < 50 ms)`);
    return { raw, relay, consume, steady };
  } finally {
    await ds.destroy();
    await dropDatabase(db);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics([run.rawTopic, topic, `${topic}.steady`]).catch(() => undefined);
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  // The clients log through Nest: only warnings and errors among the figures (no debug lines of a fresh broker's
  // retried requests, and not the consumer's line per event handled, whose printing would be what is measured).
  Logger.overrideLogger(['fatal', 'error', 'warn']);
  console.log(`Messaging benchmark: ${EVENTS} events, ${PARTITIONS} partitions, ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GiB, clients ${CLIENTS.join(', ')}`);
  const figures = new Map<string, Figures>();
  for (const client of CLIENTS) figures.set(client, await measure(client));
  const row = (what: string, of: (f: Figures) => string) => console.log(`| ${what} | ${CLIENTS.map((c) => of(figures.get(c)!)).join(' | ')} |`);
  console.log(`\n| | ${CLIENTS.join(' | ')} |\n|---|${CLIENTS.map(() => '---').join('|')}|`);
  row('raw send (msg/s)', (f) => String(f.raw));
  row(`relay drain of ${EVENTS} rows (rows/s)`, (f) => String(f.relay));
  row('relay / raw (target >= 0.50)', (f) => (f.relay / f.raw).toFixed(2));
  row('consume with inbox (events/s)', (f) => String(f.consume));
  row(`commit-to-publish p50 / p99 @ ${RATE}/s (target p99 < 50 ms)`, (f) => `${f.steady.p50.toFixed(1)} / ${f.steady.p99.toFixed(1)} ms`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`benchmark failed: ${e.stack ?? e}`);
    process.exit(1);
  },
);
