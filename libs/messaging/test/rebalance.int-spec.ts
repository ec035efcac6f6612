import type { GroupEvent, KafkaDriver, KafkaProducer } from '../src';
import type { DataSource } from 'typeorm';
import { EventConsumer, EventContext } from '../src';
import { createTopic, dropDatabase, effectHandler, eventually, newMetrics, spawnWorker, testDatabase, testEnvelope, testEvent, TestHappened, testDriver, unique } from './support';

describe('one consumer group across instances joining and leaving (real Kafka and PostgreSQL)', () => {
  const kafka = testDriver('test');
  const db = unique('hs_rebalance');
  const topic = unique('test.rebalance');
  const group = unique('group');
  let ds: DataSource;
  let producer: KafkaProducer;

  beforeAll(async () => {
    ds = await testDatabase(db, 20);
    await createTopic(kafka, topic, 6);
    producer = kafka.producer();
    await producer.connect();
  });

  const running: EventConsumer[] = [];

  afterAll(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop())); // also after a failure: no consumer outlives its test
    await producer.disconnect();
    await ds.destroy();
    await dropDatabase(db);
  });

  function instance(name: string): EventConsumer {
    const record = effectHandler(name);
    // A little work per event stretches the stream so that the third instance joins and leaves mid-way.
    const handle = async (event: TestHappened, ctx: EventContext) => {
      await new Promise((r) => setTimeout(r, 3));
      await record(event, ctx);
    };
    return new EventConsumer({ driver: kafka, dataSource: ds, producer, metrics: newMetrics(), group, handlers: [{ definition: testEvent(topic), handle }] });
  }

  it('handles 1,000 events over 100 keys exactly once in effect, in order per key, while a third instance joins and leaves', async () => {
    const keys = Array.from({ length: 100 }, (_, i) => `order-${i}`);
    const perKey = 10;
    const messages = Array.from({ length: perKey }, (_, seq) =>
      keys.map((key) => ({
        key,
        value: JSON.stringify(testEnvelope(key, seq)),
      })),
    ).flat();

    // Sent in three waves (seq 0-3, 4-6, 7-9) so that the third instance surely joins, takes a share and
    // leaves while events are still flowing.
    const wave = (from: number, to: number) => producer.send([{ topic, messages: messages.slice(from * keys.length, to * keys.length) }]);
    const count = async (worker?: string) =>
      Number((await ds.query(`SELECT count(*) AS n FROM effects WHERE $1::text IS NULL OR worker = $1`, [worker ?? null]))[0].n);

    const a = instance('a');
    const b = instance('b');
    const c = instance('c');
    running.push(a, b);
    await Promise.all([a.start(), b.start()]);
    await wave(0, 4);
    await eventually('part of the first wave', () => count(), (n) => n >= 200, 60_000);
    running.push(c);
    await c.start();
    await wave(4, 7);
    await eventually('the third instance to take its share', () => count('c'), (n) => n > 0, 60_000);
    await running.pop()!.stop();
    await wave(7, 10);
    // A generous bound: the group must notice the third instance left and rebalance, which is slow on a loaded box.
    await eventually('the whole stream', () => count(), (n) => n >= 1000, 180_000);
    await new Promise((r) => setTimeout(r, 1000)); // anything handled twice would show up now
    await Promise.all(running.splice(0).map((r) => r.stop()));

    const effects: { event_id: string; key: string; seq: number; worker: string }[] = await ds.query(`SELECT event_id, key, seq, worker FROM effects ORDER BY n`);
    expect(effects).toHaveLength(1000);
    expect(new Set(effects.map((e) => e.event_id)).size).toBe(1000);
    const byKey = new Map<string, number[]>();
    for (const e of effects) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e.seq]);
    for (const key of keys) expect([key, byKey.get(key)]).toEqual([key, Array.from({ length: perKey }, (_, i) => i)]);
    expect(new Set(effects.map((e) => e.worker))).toEqual(new Set(['a', 'b', 'c']));
  });
  // Static membership (CONSUMER_INSTANCE_ID) is what makes a crashed process's restart fast: the broker hands the
  // returning member its partitions back without a rebalance. kafkajs has none: its restart is a new member.
  it('a member killed and restarted at once under its instance id takes its partitions back; with kafkajs the group rebalances', async () => {
    const staticTopic = unique('test.static');
    const staticGroup = unique('static-group');
    await createTopic(kafka, staticTopic, 4);
    const seen: GroupEvent['type'][] = [];
    const watched: KafkaDriver = Object.assign(Object.create(kafka) as KafkaDriver, {
      consumer: (options: Parameters<KafkaDriver['consumer']>[0]) => {
        const consumer = kafka.consumer(options);
        consumer.on((event) => seen.push(event.type));
        return consumer;
      },
    });
    // A session long enough that the killed member's cannot end before its restart joins, however slow the machine.
    const session = 30_000;
    const workerEnv = { ROLE: 'consumer', DB: db, TOPIC: staticTopic, GROUP: staticGroup, WORKER: 'static-a', INSTANCE_ID: 'static-a', SESSION_TIMEOUT_MS: String(session) };
    const first = spawnWorker(workerEnv);
    await first.ready;
    const b = new EventConsumer({ driver: watched, dataSource: ds, producer, metrics: newMetrics(), group: staticGroup, instanceId: 'static-b', sessionTimeoutMs: session, handlers: [{ definition: testEvent(staticTopic), handle: effectHandler('static-b') }] });
    running.push(b);
    await b.start();
    const admin = kafka.admin();
    await admin.connect();
    let again: ReturnType<typeof spawnWorker> | undefined;
    try {
      const group = async () => (await admin.describeGroups([staticGroup]))[0];
      await eventually('both members in a stable group', group, (g) => g.state === 'Stable' && g.members === 2, 30_000);
      seen.length = 0;

      first.process.kill('SIGKILL');
      await first.exited;
      again = spawnWorker(workerEnv);
      if (kafka.name === 'kafkajs') {
        // The restart asks to join as a new member: the group starts a rebalance, which the survivor is told of.
        await eventually("the survivor's rebalance", async () => [...seen], (events) => events.includes('rebalancing'), 20_000);
        return;
      }
      await again.ready;
      const keys = Array.from({ length: 40 }, (_, i) => `static-${i}`);
      await producer.send([{ topic: staticTopic, messages: keys.map((key) => ({ key, value: JSON.stringify(testEnvelope(key, 0)) })) }]);
      const byWorker = async () =>
        Object.fromEntries(((await ds.query(`SELECT worker, count(*)::int AS n FROM effects WHERE key LIKE 'static-%' GROUP BY worker`)) as { worker: string; n: number }[]).map((r) => [r.worker, r.n]));
      const handled = await eventually('every event handled', byWorker, (w) => (w['static-a'] ?? 0) + (w['static-b'] ?? 0) === keys.length);
      // Both consume (the restarted process took its partitions back), and the survivor never rebalanced.
      expect(handled['static-a']).toBeGreaterThan(0);
      expect(handled['static-b']).toBeGreaterThan(0);
      expect(seen).not.toContain('rebalancing');
      expect(await group()).toMatchObject({ state: 'Stable', members: 2 });
    } finally {
      await admin.disconnect();
      if (again) {
        again.process.kill(kafka.name === 'kafkajs' ? 'SIGKILL' : 'SIGTERM');
        await again.exited;
      }
    }
  }, 90_000);
});
