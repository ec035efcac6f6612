import type { KafkaProducer } from '../src';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { databaseUrl, inUnitOfWork } from '@homestore/persistence';
import { decodeEnvelope, EnvelopeHeaders } from '@homestore/events';
import { EventConsumer, Outbox, OutboxRelay, PendingEvent, runInContext, traceIdOf } from '../src';
import {
  SERVER_URL,
  effectHandler,
  eventually,
  header,
  newMetrics,
  outcomes,
  readTopic,
  openSandbox,
  Sandbox,
  spawnWorker,
  testEnvelope,
  testEvent,
  testDriver,
  unique,
} from './support';

const RELAY = { batchSize: 100, pollIntervalMs: 200 };

describe('transactional outbox and relay (real Kafka and PostgreSQL)', () => {
  const kafka = testDriver('test');
  const outbox = new Outbox('test');
  let sandbox: Sandbox;
  let db: string;
  let ds: DataSource;
  let topic: string;
  let producer: KafkaProducer;
  const event = () => testEvent(topic);

  beforeEach(async () => {
    sandbox = await openSandbox('outbox', 6);
    ({ db, ds, topic, producer } = sandbox);
  });

  afterEach(() => sandbox.close());

  function startRelay(options = RELAY): OutboxRelay {
    const relay = new OutboxRelay(ds, producer, newMetrics(), options);
    sandbox.running.push(relay);
    void relay.start();
    return relay;
  }

  const unsent = async () => Number((await ds.query(`SELECT count(*) AS n FROM outbox`))[0].n);
  const happened = (key: string, seq: number): PendingEvent => ({ definition: event(), payload: { id: crypto.randomUUID(), key, seq, behaviour: 'ok' as const } });
  /** Raises these events in a unit of work of their own; answers their envelopes once it committed. */
  const raise = (...events: PendingEvent[]) => inUnitOfWork(ds, async (work) => outbox.add(work, events));

  it('publishes nothing from a transaction that rolls back', async () => {
    startRelay();
    await expect(
      inUnitOfWork(ds, async (work) => {
        outbox.add(work, [happened('k', 0)]);
        await work.flush(); // its row is written, then the transaction rolls back
        throw new Error('business rule failed after the event was raised');
      }),
    ).rejects.toThrow('business rule failed');
    const [committed] = await raise(happened('k', 1));

    const messages = await readTopic(kafka, topic, (m) => m.length >= 1);
    await new Promise((r) => setTimeout(r, 500)); // give a wrongly published rollback time to show up
    const all = await readTopic(kafka, topic, (m) => m.length >= 2, 1500);
    expect(messages.map((m) => decodeEnvelope(m.value).eventId)).toEqual([committed.eventId]);
    expect(all).toHaveLength(1);
  });

  it('publishes on commit without waiting for the poll, with the envelope and its headers', async () => {
    startRelay({ ...RELAY, pollIntervalMs: 60_000 }); // only NOTIFY can wake it within the test
    await new Promise((r) => setTimeout(r, 300));
    const context = { correlationId: 'corr-1', causationId: 'req-1', traceId: 'a'.repeat(32) };
    const [envelope] = await runInContext(context, () => raise(happened('order-42', 0)));
    const [message] = await readTopic(kafka, topic, (m) => m.length >= 1);
    const published = decodeEnvelope(message.value);
    expect(published).toEqual(envelope);
    expect(message.key!.toString()).toBe('order-42');
    expect(published).toMatchObject({ correlationId: 'corr-1', causationId: 'req-1', producer: 'test', aggregateId: 'order-42' });
    expect(header(message, 'eventType')).toBe('TestHappened');
    expect(header(message, 'eventId')).toBe(envelope.eventId);
    expect(header(message, 'correlationId')).toBe('corr-1');
    expect(traceIdOf(header(message, 'traceparent'))).toBe('a'.repeat(32));
    await eventually('the published row to be deleted', unsent, (n) => n === 0);
  });

  it('stages events with one statement (addWith) exactly when that statement changed rows', async () => {
    startRelay();
    await ds.query(`CREATE TABLE claims (name text PRIMARY KEY, seq int NOT NULL)`);
    const claim = (seq: number) => ({ sql: `INSERT INTO claims VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING *`, params: ['front-door', seq] });
    const raised = (seq: number) => [{ definition: event(), payload: { id: crypto.randomUUID(), key: 'front-door', seq, behaviour: 'ok' as const } }];

    // No transaction around it: the row and its event are one statement's, so they commit together.
    expect(await outbox.addWith(ds.manager, claim(1), raised(1))).toEqual([{ name: 'front-door', seq: 1 }]);
    // The same claim again changes nothing, and so raises nothing.
    expect(await outbox.addWith(ds.manager, claim(2), raised(2))).toEqual([]);
    // A statement that fails leaves neither.
    await expect(outbox.addWith(ds.manager, { sql: `INSERT INTO claims VALUES ($1, NULL) RETURNING *`, params: ['back-door'] }, raised(3))).rejects.toThrow(/null value/);

    const messages = await readTopic(kafka, topic, (m) => m.length >= 1);
    await new Promise((r) => setTimeout(r, 500)); // give a wrongly staged event time to show up
    const all = await readTopic(kafka, topic, (m) => m.length >= 2, 1500);
    expect(messages.map((m) => (decodeEnvelope(m.value).payload as { seq: number }).seq)).toEqual([1]);
    expect(all).toHaveLength(1);
    expect(await ds.query(`SELECT name, seq FROM claims`)).toEqual([{ name: 'front-door', seq: 1 }]);
  });

  it('reports what is true now: after the database refused connections for a while, the leading and the standby relay are both healthy again', async () => {
    const first = startRelay();
    const second = startRelay();
    await first.flush();
    await second.flush();
    const admin = new Client({ connectionString: databaseUrl(SERVER_URL, 'postgres') });
    await admin.connect();
    try {
      // A restart as the relays see it: every connection cut, new ones refused for a while. Each fails its next tries,
      // the standby's look at the lock as well as the leader's publish.
      await admin.query(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [db]);
      await eventually('both relays to fail', async () => [first.error, second.error], (errors) => errors.every(Boolean), 10_000);
    } finally {
      await admin.query(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    // Once the database answers, neither keeps the error of its last try: a standby, which never publishes, clears it
    // as soon as it reaches the database (it stayed unready for good before).
    await eventually('both relays healthy', async () => [first.error, second.error], (errors) => errors.every((e) => e === undefined), 10_000);
    const [committed] = await raise(happened('after-restart', 1));
    const messages = await readTopic(kafka, topic, (m) => m.some((x) => decodeEnvelope(x.value).eventId === committed.eventId));
    expect(messages.filter((m) => decodeEnvelope(m.value).eventId === committed.eventId)).toHaveLength(1);
  });

  it('gives its connection back to the pool once: a stopped relay is untouched when that connection later dies', async () => {
    const relay = startRelay();
    await relay.flush(); // it leads: its own connection holds the lock and LISTENs
    await relay.stop();
    sandbox.running.splice(sandbox.running.indexOf(relay), 1);
    // Every connection to this database is cut, the one the relay gave back to the pool among them. A relay that
    // still listened on it would release it a second time, which pg-pool throws on (an uncaught error).
    const admin = new Client({ connectionString: databaseUrl(SERVER_URL, 'postgres') });
    await admin.connect();
    try {
      const { rows } = await admin.query(`SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE datname = $1`, [db]);
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(await unsent()).toBe(0); // the pool carries on with new connections
  });

  it("stamps each event with the flow it was raised in: the current one (a request's, a handled event's), or the context it names", async () => {
    const traceId = 'ab'.repeat(16);
    const current = { correlationId: 'flow-a', causationId: 'cause-a', traceId };
    const named = { correlationId: 'flow-b', causationId: 'cause-b', traceId: 'cd'.repeat(16) };
    const raised = await runInContext(current, () => raise(happened('k0', 0), { ...happened('k1', 1), context: named }));
    expect(raised.map((e) => [e.correlationId, e.causationId])).toEqual([['flow-a', 'cause-a'], ['flow-b', 'cause-b']]);
    const rows: { headers: Record<string, string> }[] = await ds.query(`SELECT headers FROM outbox ORDER BY id`);
    expect(rows.map((r) => traceIdOf(r.headers[EnvelopeHeaders.traceparent]))).toEqual([traceId, 'cd'.repeat(16)]);
  });

  it('writes every event raised in a unit of work with one statement, just before it commits, in the order raised', async () => {
    let rowsBeforeFlush = -1;
    await inUnitOfWork(ds, async (work) => {
      outbox.add(work, [happened('k', 0), happened('k', 1)]);
      outbox.add(work, [happened('j', 2)]);
      rowsBeforeFlush = Number((await work.em.query(`SELECT count(*) AS n FROM outbox`))[0].n);
    });
    expect(rowsBeforeFlush).toBe(0);
    const rows: { seq: number }[] = await ds.query(`SELECT (value::jsonb #>> '{payload,seq}')::int AS seq FROM outbox ORDER BY id`);
    expect(rows.map((r) => r.seq)).toEqual([0, 1, 2]);
  });

  it('publishes a backlog of several batches once each, in order, and leaves the outbox empty once idle', async () => {
    const total = RELAY.batchSize * 2 + 50;
    await raise(...Array.from({ length: total }, (_, seq) => happened('one-key', seq)));
    startRelay();
    const messages = await readTopic(kafka, topic, (m) => m.length >= total);
    await eventually('the outbox to be emptied', unsent, (n) => n === 0);
    // A batch's rows are deleted by the next batch's statement or before the relay goes idle: never published twice.
    await new Promise((r) => setTimeout(r, RELAY.pollIntervalMs * 2));
    const again = await readTopic(kafka, topic, (m) => m.length > total, 3_000);
    expect(again).toHaveLength(total);
    expect(messages.map((m) => (decodeEnvelope(m.value).payload as { seq: number }).seq)).toEqual([...Array(total).keys()]);
  });

  it('keeps per-key commit order with two relays draining the same outbox, publishing each row once', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
    const perKey = 30;
    const writes = keys.map(async (key) => {
      for (let seq = 0; seq < perKey; seq++) {
        await raise(happened(key, seq));
      }
    });
    startRelay();
    startRelay();
    await Promise.all(writes);
    const total = keys.length * perKey;
    const messages = await readTopic(kafka, topic, (m) => m.length >= total);
    const seqs = new Map<string, number[]>();
    const ids = new Set<string>();
    for (const m of messages) {
      const e = decodeEnvelope(m.value) as ReturnType<typeof decodeEnvelope> & { payload: { key: string; seq: number } };
      ids.add(e.eventId);
      seqs.set(e.payload.key, [...(seqs.get(e.payload.key) ?? []), e.payload.seq]);
    }
    expect(messages).toHaveLength(total);
    expect(ids.size).toBe(total);
    for (const key of keys) expect(seqs.get(key)).toEqual(Array.from({ length: perKey }, (_, i) => i));
  });

  it('after a relay dies between the Kafka ack and marking the batch, republishes it: a duplicate on the wire, one effect', async () => {
    const events = await raise(...Array.from({ length: 10 }, (_, seq) => happened(`k${seq % 3}`, seq)));
    const crashing = spawnWorker({ ROLE: 'relay', DB: db, TOPIC: topic, WORKER: 'relay-1', HOMESTORE_CRASH_AT: 'relay:after-publish-before-mark' });
    expect(await crashing.exited).toBe('SIGKILL');
    expect(await unsent()).toBe(10); // acknowledged by Kafka, yet not deleted

    startRelay();
    await eventually('the second relay to publish and delete the rows', unsent, (n) => n === 0);
    const onWire = await readTopic(kafka, topic, (m) => m.length >= 20);
    expect(onWire).toHaveLength(20);

    const group = unique('test-group');
    const metrics = newMetrics();
    const consumer = new EventConsumer({ driver: kafka, dataSource: ds, producer, metrics, group, handlers: [{ definition: event(), handle: effectHandler('consumer') }] });
    sandbox.running.push(consumer);
    await consumer.start();
    {
      const seen = await eventually('all 20 copies to be consumed', () => outcomes(metrics), (o) => (o.handled ?? 0) + (o.duplicate ?? 0) >= 20);
      expect(seen).toEqual({ handled: 10, duplicate: 10 });
      const effects = await ds.query(`SELECT event_id, count(*)::int AS n FROM effects GROUP BY event_id`);
      expect(effects).toHaveLength(10);
      expect(effects.every((e: { n: number }) => e.n === 1)).toBe(true);
      expect(new Set(effects.map((e: { event_id: string }) => e.event_id))).toEqual(new Set(events.map((e) => e.eventId)));
    }
  });
});
