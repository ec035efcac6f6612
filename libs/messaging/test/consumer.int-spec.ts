import { randomUUID } from 'node:crypto';
import { Client, type PoolClient } from 'pg';
import { databaseUrl, poolOf } from '@homestore/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { AggregateStore } from '@homestore/persistence';
import { deadLetterTopic, EventEnvelope } from '@homestore/events';
import { DeadLetterHeaders, ensureTopics, EventConsumer, EventConsumerOptions, EventContext, KafkaDriver, KafkaProducer, MessagingMetrics } from '../src';
import {
  Behaviour,
  effectHandler,
  eventually,
  header,
  newMetrics,
  outcomes,
  readTopic,
  openSandbox,
  Sandbox,
  SERVER_URL,
  spawnWorker,
  testEvent,
  TestHappened,
  testEnvelope,
  testDriver,
  unique,
} from './support';

/** The id of the transaction `em` runs in (the consumer runs every transaction on one connection of its own). */
const transactionOf = async (ctx: EventContext): Promise<string> => (await ctx.getWork().em.query(`SELECT txid_current()::text AS id`))[0].id;

const FAST_RETRY = { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 100, multiplier: 2 };

describe('event consumer: inbox, retries, dead letters, offsets (real Kafka and PostgreSQL)', () => {
  const kafka = testDriver('test');
  let sandbox: Sandbox;
  let db: string;
  let ds: DataSource;
  let topic: string;
  let group: string;
  let producer: KafkaProducer;

  beforeEach(async () => {
    sandbox = await openSandbox('consumer', 1);
    ({ db, ds, topic, producer } = sandbox);
    group = unique('group');
  });

  afterEach(() => sandbox.close());

  const envelope = (seq: number, behaviour: Behaviour = 'ok', overrides: Partial<EventEnvelope> = {}) => testEnvelope('k', seq, behaviour, overrides);

  async function send(...values: (EventEnvelope | string | object)[]): Promise<void> {
    await producer.send([{
      topic,
      messages: values.map((v) => ({
        key: 'k',
        value: typeof v === 'string' ? v : JSON.stringify(v),
        headers: { eventType: (v as EventEnvelope).eventType ?? 'garbage', origin: 'test' },
      })),
    }]);
  }

  async function start(overrides: Partial<EventConsumerOptions> = {}, handle = effectHandler('in-process')): Promise<{ consumer: EventConsumer; metrics: MessagingMetrics }> {
    const metrics = newMetrics();
    const consumer = new EventConsumer({
      driver: kafka,
      dataSource: ds,
      producer,
      metrics,
      group,
      handlers: [{ definition: testEvent(topic), handle }],
      retry: FAST_RETRY,
      ...overrides,
    });
    sandbox.running.push(consumer);
    await consumer.start();
    return { consumer, metrics };
  }

  const effects = async () => (await ds.query(`SELECT event_id, seq FROM effects ORDER BY n`)) as { event_id: string; seq: number }[];

  async function committedOffset(): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    const [{ partitions }] = await admin.groupOffsets(group, [topic]);
    await admin.disconnect();
    return Number(partitions[0].offset);
  }

  async function endOffset(t: string): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.topicOffsets(t);
    await admin.disconnect();
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  }

  it('dead-letters bad JSON, a schema violation and a handler that always throws, then processes the next good message', async () => {
    const { metrics } = await start();
    const invalid = envelope(-1);
    const failing = envelope(1, 'always-fail');
    const good = envelope(2);
    await send('{"eventId": "not even json', invalid, failing, good);

    await eventually('the good message to take effect', effects, (e) => e.length === 1);
    expect((await effects())[0].seq).toBe(2);

    const dlq = await readTopic(kafka, deadLetterTopic(topic, group), (m) => m.length >= 3);
    expect(dlq.map((m) => header(m, DeadLetterHeaders.errorCode))).toEqual(['INVALID_JSON', 'INVALID_PAYLOAD', 'Error']);
    expect(dlq.map((m) => header(m, DeadLetterHeaders.attempts))).toEqual(['1', '1', '3']);
    expect(dlq.map((m) => header(m, DeadLetterHeaders.offset))).toEqual(['0', '1', '2']);
    expect(header(dlq[1], DeadLetterHeaders.reason)).toMatch(/payload\.seq/);
    expect(header(dlq[2], DeadLetterHeaders.reason)).toMatch(/handler always fails \(attempt 3\)/);
    for (const m of dlq) {
      expect(m.key!.toString()).toBe('k');
      expect(header(m, DeadLetterHeaders.topic)).toBe(topic);
      expect(header(m, DeadLetterHeaders.partition)).toBe('0');
      expect(header(m, DeadLetterHeaders.group)).toBe(group);
      expect(header(m, 'origin')).toBe('test'); // original headers kept
    }
    expect(dlq[0].value!.toString()).toBe('{"eventId": "not even json');
    expect(JSON.parse(dlq[2].value!.toString())).toEqual(failing);

    await eventually('the offset to pass all four messages', committedOffset, (o) => o === 4);
    expect(await outcomes(metrics)).toEqual({ dead_lettered: 3, handled: 1 });
  });

  it('skips, unread, a message whose eventType header names another event of the contract on its topic', async () => {
    const other = { ...testEvent(topic), type: 'OtherHappened' };
    const { metrics } = await start({ contract: [testEvent(topic), other] });
    // Not even JSON: read, it would be dead-lettered; the header says it is an event this group does not handle.
    await producer.send([{ topic, messages: [{ key: 'k', value: 'not json at all', headers: { eventType: 'OtherHappened' } }] }]);
    await send(envelope(1));
    await eventually('the next event to take effect', effects, (e) => e.length === 1);
    await eventually('both offsets to be committed', committedOffset, (o) => o === 2);
    expect(await outcomes(metrics)).toEqual({ skipped: 1, handled: 1 });
    expect(await endOffset(deadLetterTopic(topic, group))).toBe(0);
  });

  it('retries a handler that fails twice and then succeeds, with no dead letter', async () => {
    const { metrics } = await start();
    await send(envelope(7, 'fail-twice'));
    await eventually('the effect', effects, (e) => e.length === 1);
    const retried = (await metrics.retried.get()).values.reduce((s, v) => s + v.value, 0);
    expect(retried).toBe(2);
    await eventually('the offset commit', committedOffset, (o) => o === 1);
    expect(await endOffset(deadLetterTopic(topic, group))).toBe(0);
  });

  it('keeps partition order while retrying: later messages wait for the failing one', async () => {
    await start();
    await send(envelope(1), envelope(2, 'fail-twice'), envelope(3), envelope(4));
    await eventually('all four effects', effects, (e) => e.length === 4);
    expect((await effects()).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  /** Runs `sql` on a connection of its own (the pool may be taken, or cut): on this test's database, or as the server's admin. */
  async function outsideThePool<R>(sql: string, admin = false): Promise<R[]> {
    const client = new Client({ connectionString: databaseUrl(SERVER_URL, admin ? 'postgres' : db) });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }
  const effectsOutsideThePool = () => outsideThePool<{ seq: number }>(`SELECT seq FROM effects ORDER BY n`);
  /** Cuts every connection to this test's database, as a restart of the server would. */
  const cutConnections = () => outsideThePool(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db}'`, true);

  /** Events 1 to 3 took effect once each, in order, their offsets are committed and nothing was dead-lettered. */
  async function threeEventsOnce(metrics: MessagingMetrics, what: string): Promise<void> {
    await eventually(what, effects, (e) => e.length === 3);
    expect((await effects()).map((e) => e.seq)).toEqual([1, 2, 3]);
    await eventually('the offsets to be committed', committedOffset, (o) => o === 3);
    expect((await outcomes(metrics)).handled).toBe(3);
    expect(await endOffset(deadLetterTopic(topic, group))).toBe(0);
  }

  it('keeps handling events while the app holds every pooled connection (its transactions never queue behind requests)', async () => {
    await start();
    await send(envelope(1));
    await eventually('the first effect', effects, (e) => e.length === 1);
    // Every connection the pool can still make is taken, as a burst of HTTP requests would.
    const pool = poolOf(ds);
    const held: PoolClient[] = [];
    while (pool.totalCount < pool.options.max!) held.push(await pool.connect());
    try {
      await send(envelope(2), envelope(3));
      await eventually('the next effects, with no pooled connection free', effectsOutsideThePool, (e) => e.length === 3);
      expect((await effectsOutsideThePool()).map((e) => e.seq)).toEqual([1, 2, 3]);
    } finally {
      held.forEach((c) => c.release());
    }
    await eventually('the offsets to be committed', committedOffset, (o) => o === 3);
  });

  it('carries on with a new connection when its own is cut, each event once', async () => {
    const { metrics } = await start();
    await send(envelope(1));
    await eventually('the first effect', effects, (e) => e.length === 1);
    await cutConnections();
    await send(envelope(2), envelope(3));
    await threeEventsOnce(metrics, 'the effects after the cut');
  });

  it('waits out a database that refuses connections, however long, instead of dead-lettering what arrives meanwhile', async () => {
    const { metrics } = await start();
    await send(envelope(1));
    await eventually('the first effect', effects, (e) => e.length === 1);
    // The database goes away (as in a restart): its connections are cut and new ones refused.
    await outsideThePool(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS false`, true);
    await cutConnections();
    try {
      await send(envelope(2), envelope(3));
      // Ten times what the retry policy allows a failing handler (3 attempts, at most 100 ms apart).
      await eventually('retries while the database is away', async () => (await metrics.retried.get()).values.reduce((n, v) => n + v.value, 0), (n) => n >= 5);
      await new Promise((r) => setTimeout(r, 2000));
      expect(await endOffset(deadLetterTopic(topic, group))).toBe(0);
    } finally {
      await outsideThePool(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS true`, true);
    }
    await threeEventsOnce(metrics, 'the effects once the database is back');
  });

  it('counts and skips event types it has no handler for', async () => {
    const { metrics } = await start();
    await send(envelope(1, 'ok', { eventType: 'SomethingElseHappened' }), envelope(2));
    await eventually('the known event to take effect', effects, (e) => e.length === 1);
    await eventually('both offsets to be committed', committedOffset, (o) => o === 2);
    expect(await outcomes(metrics)).toEqual({ skipped: 1, handled: 1 });
    expect(await endOffset(deadLetterTopic(topic, group))).toBe(0);
  });

  it('after dying between its transaction commit and the offset commit, gets the events again with no second effect', async () => {
    await send(envelope(1), envelope(2), envelope(3));
    const crashing = spawnWorker({ ROLE: 'consumer', DB: db, TOPIC: topic, GROUP: group, WORKER: 'doomed', HOMESTORE_CRASH_AT: 'consumer:after-commit-before-offset' });
    expect(await crashing.exited).toBe('SIGKILL');
    // It died after its first committed transaction: a run of one or more of the three.
    const before = (await effects()).map((e) => e.seq);
    expect(before.length).toBeGreaterThan(0);
    expect(before).toEqual([1, 2, 3].slice(0, before.length));
    expect(await committedOffset()).toBe(-1);

    const { metrics } = await start();
    await eventually('the rest to take effect', effects, (e) => e.length === 3);
    await eventually('the offsets to be committed', committedOffset, (o) => o === 3);
    expect(await outcomes(metrics)).toEqual({ duplicate: before.length, ...(before.length < 3 && { handled: 3 - before.length }) });
    expect((await effects()).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it("handles a partition's backlog in runs of one transaction each: every event once, in order, duplicates dropped", async () => {
    const transactions = new Set<unknown>();
    const record = effectHandler('in-process');
    const sent = Array.from({ length: 120 }, (_, i) => envelope(i));
    const repeated = [sent[3], sent[40], sent[41]]; // as a relay that died after publishing would send them again
    await send(...sent.slice(0, 60), ...repeated, ...sent.slice(60));
    const { metrics } = await start({}, async (event, ctx) => {
      transactions.add(await transactionOf(ctx));
      await record(event, ctx);
    });
    await eventually('every event to take effect', effects, (e) => e.length === 120);
    await eventually('every offset to be committed', committedOffset, (o) => o === 123);
    expect((await effects()).map((e) => e.seq)).toEqual(sent.map((_, i) => i));
    expect(await outcomes(metrics)).toEqual({ handled: 120, duplicate: 3 });
    // Runs of at most 50 (the default): three at the least; one per event would be 120.
    expect(transactions.size).toBeGreaterThanOrEqual(3);
    expect(transactions.size).toBeLessThan(20);
  });

  it('once caught up, waits fetchLingerMs before its next fetch, so that events arriving one by one meanwhile make one run', async () => {
    const transactionOfSeq = new Map<number, string>();
    const record = effectHandler('in-process');
    await start({ fetchLingerMs: 1000 }, async (event, ctx) => {
      transactionOfSeq.set((event.payload as { seq: number }).seq, await transactionOf(ctx));
      await record(event, ctx);
    });
    await send(envelope(0));
    await eventually('the first event to take effect', effects, (e) => e.length === 1);
    // The group has just caught up and lingers: each of these is on the broker before its next fetch.
    for (const seq of [1, 2, 3]) {
      await send(envelope(seq));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await eventually('every event to take effect', effects, (e) => e.length === 4);
    expect((await effects()).map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    // Fetching again at once (no linger) hands each of them on alone: a transaction each.
    expect(new Set([1, 2, 3].map((seq) => transactionOfSeq.get(seq))).size).toBe(1);
    expect(transactionOfSeq.get(1)).not.toBe(transactionOfSeq.get(0));
  });

  it("gives a run's handlers one unit of work: what they load in the same turn is one read, what they save one write at commit", async () => {
    /** Counters per key in the effects table's neighbour, loaded and saved through the unit of work. */
    await ds.query(`CREATE TABLE counters (key text PRIMARY KEY, n int NOT NULL)`);
    const reads: string[][] = [];
    const writes: number[] = [];
    const counters: AggregateStore<{ key: string; n: number }> = {
      async loadMany(em, keys) {
        reads.push([...keys].sort());
        const rows: { key: string; n: number }[] = await em.query(`SELECT key, n FROM counters WHERE key = ANY($1) ORDER BY key FOR UPDATE`, [keys]);
        return new Map(rows.map((r) => [r.key, r]));
      },
      async saveMany(em, items) {
        writes.push(items.length);
        await em.query(`INSERT INTO counters SELECT * FROM jsonb_to_recordset($1::jsonb) AS c(key text, n int) ON CONFLICT (key) DO UPDATE SET n = EXCLUDED.n`, [JSON.stringify(items)]);
      },
    };
    const keys = Array.from({ length: 8 }, (_, i) => `key-${i}`);
    const sent = keys.flatMap((key) => Array.from({ length: 5 }, (_, seq) => testEnvelope(key, seq)));
    await producer.send([{ topic, messages: sent.map((e) => ({ key: (e.payload as { key: string }).key, value: JSON.stringify(e), headers: { eventType: e.eventType } })) }]);
    const { metrics } = await start({}, async (event, ctx) => {
      const work = ctx.getWork();
      const { key } = (event as TestHappened).payload;
      const counter = (await work.load(counters, key)) ?? { key, n: 0 };
      counter.n += 1;
      work.save(counters, key, counter);
    });
    await eventually('every event to count', async () => (await ds.query(`SELECT sum(n)::int AS n FROM counters`))[0].n, (n) => n === sent.length);
    expect(await ds.query(`SELECT key, n FROM counters ORDER BY key`)).toEqual(keys.map((key) => ({ key, n: 5 })));
    expect(await outcomes(metrics)).toEqual({ handled: sent.length });
    // Each key is read once per transaction, with the other keys of its run; one write per transaction.
    expect(reads.flat().length).toBeLessThanOrEqual(keys.length * writes.length);
    expect(reads.length).toBe(writes.length);
    expect(writes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(keys.length * writes.length);
    expect(reads.length).toBeLessThan(sent.length / 2);
  });

  it('when one event of a run fails, none of the run stays: the others take effect once, in order, and it alone is dead-lettered', async () => {
    const sent = Array.from({ length: 30 }, (_, i) => envelope(i, i === 12 ? 'always-fail' : 'ok'));
    await send(...sent);
    const { metrics } = await start();
    await eventually('the 29 good events to take effect', effects, (e) => e.length === 29);
    await eventually('every offset to be committed', committedOffset, (o) => o === 30);
    expect((await effects()).map((e) => e.seq)).toEqual(sent.map((_, i) => i).filter((i) => i !== 12));
    const dlq = await readTopic(kafka, deadLetterTopic(topic, group), (m) => m.length >= 1);
    expect(dlq.map((m) => JSON.parse(m.value!.toString()).eventId)).toEqual([sent[12].eventId]);
    // Its attempt within the run counted: three in all, as for a message handled on its own.
    expect(header(dlq[0], DeadLetterHeaders.attempts)).toBe('3');
    expect(header(dlq[0], DeadLetterHeaders.reason)).toMatch(/handler always fails \(attempt 3\)/);
    expect(await outcomes(metrics)).toEqual({ handled: 29, dead_lettered: 1 });
  });

  it('does not commit past a message whose dead letter cannot be written, and writes it once it can', async () => {
    const dlqProducer = kafka.producer();
    await dlqProducer.connect();
    try {
      const { metrics } = await start({ producer: dlqProducer });
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics([deadLetterTopic(topic, group)]);
      await send(envelope(1, 'always-fail'), envelope(2));
      await new Promise((r) => setTimeout(r, 3000));
      expect(await committedOffset()).toBe(-1);
      expect(await effects()).toEqual([]);

      await admin.disconnect();
      await ensureTopics(kafka, [{ topic: deadLetterTopic(topic, group), numPartitions: 1 }]);
      await eventually('the good message after the poison one', effects, (e) => e.length === 1, 30_000);
      await eventually('the offsets to be committed', committedOffset, (o) => o === 2);
      expect(await endOffset(deadLetterTopic(topic, group))).toBe(1);
      expect(await outcomes(metrics)).toEqual({ dead_lettered: 1, handled: 1 });
    } finally {
      await Promise.all(sandbox.running.splice(0).map((c) => c.stop()));
      await dlqProducer.disconnect();
    }
  });

  it('on stop, finishes the work in flight and commits exactly its offsets before leaving the group', async () => {
    let started!: () => void;
    const inFlight = new Promise<void>((r) => (started = r));
    const record = effectHandler('slow');
    const slow = async (event: TestHappened, ctx: EventContext) => {
      started();
      await new Promise((r) => setTimeout(r, 1500));
      await record(event, ctx);
    };
    const { consumer } = await start({}, slow);
    expect(consumer.ready).toBe(true);
    await send(envelope(1), envelope(2));
    await inFlight;
    await sandbox.running.splice(0)[0].stop();
    expect(consumer.ready).toBe(false);
    // The run in flight (one or both events, as they were fetched) finished, and nothing after it started.
    const done = (await effects()).map((e) => e.seq);
    expect(done.length).toBeGreaterThan(0);
    expect(done).toEqual([1, 2].slice(0, done.length));
    expect(await committedOffset()).toBe(done.length);
  });

  it('commits the offsets of many fetches in one request per interval, and what is left when it stops', async () => {
    // The group's own consumer, watched for its offset commits.
    const commits: number[] = [];
    const watched = Object.create(kafka) as KafkaDriver;
    watched.consumer = (options) => {
      const consumer = kafka.consumer(options);
      const commit = consumer.commit.bind(consumer);
      consumer.commit = (offsets) => commit(offsets).then(() => void commits.push(Date.now()));
      return consumer;
    };
    await start({ driver: watched, commitIntervalMs: 5000, fetchLingerMs: 0 });
    // Eight events 100 ms apart, a fetch (and a transaction) each: the first is committed at once (nothing was for
    // the interval), the seven after it wait for the interval to end and go in one request.
    for (let seq = 1; seq <= 8; seq++) {
      await send(envelope(seq));
      await eventually(`event ${seq} to take effect`, effects, (e) => e.length === seq);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await committedOffset()).toBe(1);
    expect(commits.length).toBe(1);
    await eventually('the offsets to be committed', committedOffset, (o) => o === 8, 10_000);
    expect(commits.length).toBe(2);
    expect(commits[1] - commits[0]).toBeGreaterThanOrEqual(4900);

    // Handled within the interval, then the consumer stops: committed as it leaves.
    await send(envelope(9));
    await eventually('event 9 to take effect', effects, (e) => e.length === 9);
    await sandbox.running.splice(0)[0].stop();
    expect(await committedOffset()).toBe(9);
    expect(commits.length).toBe(3);
  });
});

describe('event consumer: the partitions of one fetch share a transaction (real Kafka and PostgreSQL)', () => {
  const PARTITIONS = 6;
  const KEYS = Array.from({ length: 12 }, (_, i) => `key-${i}`);
  const kafka = testDriver('test');
  let sandbox: Sandbox;

  beforeEach(async () => (sandbox = await openSandbox('consumer-parts', PARTITIONS)));
  afterEach(() => sandbox.close());

  async function backlog(poison?: { key: string; seq: number }): Promise<EventEnvelope[]> {
    const sent = KEYS.flatMap((key) => Array.from({ length: 10 }, (_, seq) => testEnvelope(key, seq, poison?.key === key && poison.seq === seq ? 'always-fail' : 'ok')));
    await sandbox.producer.send([{ topic: sandbox.topic, messages: sent.map((e) => ({ key: (e.payload as { key: string }).key, value: JSON.stringify(e) })) }]);
    return sent;
  }

  async function start(handle: EventConsumerOptions['handlers'][number]['handle']): Promise<{ consumer: EventConsumer; metrics: MessagingMetrics }> {
    const metrics = newMetrics();
    const consumer = new EventConsumer({
      driver: kafka,
      dataSource: sandbox.ds,
      producer: sandbox.producer,
      metrics,
      group: unique('group'),
      handlers: [{ definition: testEvent(sandbox.topic), handle }],
      retry: FAST_RETRY,
      partitionsConsumedConcurrently: PARTITIONS,
    });
    sandbox.running.push(consumer);
    await consumer.start();
    return { consumer, metrics };
  }

  const effects = async () => (await sandbox.ds.query(`SELECT key, seq FROM effects ORDER BY n`)) as { key: string; seq: number }[];
  const seqsOf = (rows: { key: string; seq: number }[], key: string) => rows.filter((r) => r.key === key).map((r) => r.seq);

  it('handles the runs of several partitions in one transaction, each event once and each key in order', async () => {
    const sent = await backlog();
    const partitions = new Set<number>();
    const transactions = new Set<unknown>();
    const record = effectHandler('in-process');
    const { metrics } = await start(async (e, ctx) => {
      transactions.add(await transactionOf(ctx));
      await record(e, ctx);
    });
    await eventually('every event to take effect', effects, (rows) => rows.length === sent.length);
    const rows = await effects();
    for (const key of KEYS) expect(seqsOf(rows, key)).toEqual([...Array(10).keys()]);
    expect(await outcomes(metrics)).toEqual({ handled: sent.length });
    const admin = kafka.admin();
    await admin.connect();
    for (const o of await admin.topicOffsets(sandbox.topic)) if (Number(o.high) > 0) partitions.add(o.partition);
    await admin.disconnect();
    // One transaction per partition's run would be at least as many as the partitions holding events.
    expect(partitions.size).toBeGreaterThan(2);
    expect(transactions.size).toBeLessThan(partitions.size);
  });

  it('when one event fails in a shared transaction, the other partitions still take effect once and it alone is dead-lettered', async () => {
    const sent = await backlog({ key: 'key-5', seq: 4 });
    const { metrics } = await start(effectHandler('in-process'));
    await eventually('every good event to take effect', effects, (rows) => rows.length === sent.length - 1);
    const rows = await effects();
    for (const key of KEYS) expect(seqsOf(rows, key)).toEqual([...Array(10).keys()].filter((s) => key !== 'key-5' || s !== 4));
    await eventually('the dead letter', () => outcomes(metrics), (o) => o.dead_lettered === 1);
    expect(await outcomes(metrics)).toEqual({ handled: sent.length - 1, dead_lettered: 1 });
  });
});
