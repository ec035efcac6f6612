import { ConsumerLagSampler, driverFromEnv, KafkaDriver, KafkaProducer, MessagingMetrics } from '../src';
import { createTopic, eventually, newMetrics, testDriver, unique } from './support';

/** A group's lag over every partition of its topics, as the gauge holds it (NaN before any sample). */
async function lagOf(metrics: MessagingMetrics, group: string): Promise<number> {
  const series = (await metrics.consumerLag.get()).values.filter((v) => v.labels.group === group);
  return series.length ? series.reduce((sum, v) => sum + v.value, 0) : NaN;
}

const failures = async (metrics: MessagingMetrics): Promise<number> => (await metrics.lagSampleFailures.get()).values[0]?.value ?? 0;

describe('consumer lag read from the broker on a timer (real Kafka)', () => {
  const kafka = testDriver('test');
  let producer: KafkaProducer;
  const samplers: ConsumerLagSampler[] = [];

  beforeAll(async () => {
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(samplers.map((s) => s.stop()));
    await producer.disconnect();
  });

  const sampler = (metrics: MessagingMetrics, intervalMs: number, client: KafkaDriver = kafka): ConsumerLagSampler => {
    const s = new ConsumerLagSampler(client, metrics, intervalMs);
    samplers.push(s);
    return s;
  };
  const publish = (topic: string, key: string) => producer.send([{ topic, messages: [{ key, value: '{}' }] }]);

  it('counts what a group that never ran would have to read, and what arrives after its committed offsets, growing tick by tick', async () => {
    const topic = unique('test.lag');
    await createTopic(kafka, topic, 2);
    const never = unique('never-started');
    const behind = unique('committed-then-stopped');
    const metrics = newMetrics();
    const lag = sampler(metrics, 200);
    lag.watch(never, [topic]);
    lag.watch(behind, [topic]);
    lag.start();
    await eventually('the first sample', () => lagOf(metrics, never), (n) => n === 0);
    for (let n = 1; n <= 4; n++) {
      await publish(topic, `key-${n}`);
      await eventually(`a lag of ${n}`, () => lagOf(metrics, never), (l) => l === n);
    }
    // The other group had committed up to the end of both partitions, then stopped: only what comes next is its lag.
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.topicOffsets(topic);
      await admin.setGroupOffsets(behind, ends.map((p) => ({ topic, partition: p.partition, offset: p.high })));
    } finally {
      await admin.disconnect();
    }
    await eventually('the committed group at 0', () => lagOf(metrics, behind), (l) => l === 0);
    for (let n = 1; n <= 3; n++) {
      await publish(topic, `more-${n}`);
      await eventually(`the stopped group at ${n}`, () => lagOf(metrics, behind), (l) => l === n);
    }
    expect(await lagOf(metrics, never)).toBe(7);
    expect(await failures(metrics)).toBe(0);
  });

  it('never throws when the broker cannot answer: the failure is counted and the last figures stay', async () => {
    const away = driverFromEnv('away', { ...process.env, KAFKA_BROKERS: '127.0.0.1:1' });
    const unreachable = newMetrics();
    const lost = sampler(unreachable, 100, away);
    lost.watch('some-group', ['some.topic']);
    await expect(lost.sample()).resolves.toBeUndefined();
    await expect(lost.sample()).resolves.toBeUndefined();
    expect(await failures(unreachable)).toBe(2);
    expect((await unreachable.consumerLag.get()).values).toEqual([]);

    // A sample that fails after one that worked (here, a topic name the broker refuses) leaves the last figures.
    const topic = unique('test.lag');
    await createTopic(kafka, topic, 1);
    const group = unique('stalled');
    const metrics = newMetrics();
    const lag = sampler(metrics, 100);
    lag.watch(group, [topic]);
    await publish(topic, 'a');
    await lag.sample();
    expect(await lagOf(metrics, group)).toBe(1);
    lag.watch(unique('elsewhere'), ['no such topic!']);
    await publish(topic, 'b');
    await expect(lag.sample()).resolves.toBeUndefined();
    expect(await failures(metrics)).toBe(1);
    expect(await lagOf(metrics, group)).toBe(1);
  });
});
