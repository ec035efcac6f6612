import { Partitioners } from 'kafkajs';
import { kafkajsDriver } from '../src/driver/kafkajs';
import { platformaticDriver } from '../src/driver/platformatic';
import type { Batch, BatchControl, DriverFactory, GroupEvent, KafkaAdmin, KafkaDriver, KafkaGroupConsumer, KafkaProducer } from '../src/driver/port';
import { ensureTopics } from '../src/topics';
import { BROKERS, eventually, unique } from './support';

/** Every driver KAFKA_CLIENT may name: each passes the same contract against the real broker. */
const DRIVERS: [string, DriverFactory][] = [
  ['platformatic', platformaticDriver],
  ['kafkajs', kafkajsDriver],
];

/** Short waits keep rebalances and shutdowns quick; the session outlasts any pause of a test. */
const GROUP = { sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, heartbeatIntervalMs: 500, minBytes: 1, maxWaitMs: 100 };

/** Where kafkajs' DefaultPartitioner (murmur2, as the Java client) puts a key among `partitions`. */
const defaultPartitioner = Partitioners.DefaultPartitioner();
const partitionOf = (key: string, partitions: number) =>
  defaultPartitioner({
    topic: 't',
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] })),
    message: { key, value: null },
  });

/** A key that lands on each partition, in partition order. */
const keysFor = (partitions: number) =>
  Array.from({ length: partitions }, (_, p) => {
    for (let i = 0; ; i++) if (partitionOf(`key-${i}`, partitions) === p) return `key-${i}`;
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Partitions in their order (a client may list them in any). */
const byPartition = <T extends { partition: number }>(items: T[]) => [...items].sort((x, y) => x.partition - y.partition);

interface Record {
  topic: string;
  partition: number;
  offset: number;
  key: string;
  value: string;
}

/** A running member of a group: what it was handed and what happened to it. */
class Member {
  readonly batches: Batch[] = [];
  readonly events: GroupEvent['type'][] = [];
  /** Batches being handled now, in all and per partition ("topic:partition"), and the most seen at once. */
  private active = 0;
  private readonly activePerPartition = new Map<string, number>();
  maxActive = 0;
  maxActivePerPartition = 0;

  constructor(readonly consumer: KafkaGroupConsumer) {
    consumer.on((event) => this.events.push(event.type));
  }

  records(topic?: string): Record[] {
    return this.batches
      .filter((b) => topic === undefined || b.topic === topic)
      .flatMap((b) =>
        b.messages.map((m) => ({ topic: b.topic, partition: b.partition, offset: Number(m.offset), key: m.key!.toString(), value: m.value!.toString() })),
      );
  }

  partitions(topic: string): Set<number> {
    return new Set(this.records(topic).map((r) => r.partition));
  }

  async track(batch: Batch, handle: () => Promise<void>): Promise<void> {
    const key = `${batch.topic}:${batch.partition}`;
    this.active++;
    this.activePerPartition.set(key, (this.activePerPartition.get(key) ?? 0) + 1);
    this.maxActive = Math.max(this.maxActive, this.active);
    this.maxActivePerPartition = Math.max(this.maxActivePerPartition, this.activePerPartition.get(key)!);
    try {
      await handle();
    } finally {
      this.active--;
      this.activePerPartition.set(key, this.activePerPartition.get(key)! - 1);
    }
  }
}

describe.each(DRIVERS)('Kafka driver contract: %s (real Kafka)', (_name, factory) => {
  const driver: KafkaDriver = factory({ clientId: 'driver-contract', brokers: BROKERS.split(',') });
  let admin: KafkaAdmin;
  let producer: KafkaProducer;
  const topics: string[] = [];
  const groups: string[] = [];
  let members: Member[] = [];

  beforeAll(async () => {
    admin = driver.admin();
    producer = driver.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });

  afterEach(async () => {
    await Promise.all(members.map((m) => m.consumer.disconnect()));
    members = [];
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.deleteTopics(topics).catch(() => undefined);
    await admin.disconnect();
  });

  async function newTopic(partitions: number): Promise<string> {
    const topic = unique('contract');
    topics.push(topic);
    await ensureTopics(driver, [{ topic, numPartitions: partitions }]);
    return topic;
  }

  function newGroup(): string {
    const group = unique('contract-group');
    groups.push(group);
    return group;
  }

  /**
   * A member of `group` on `subscribed`, joined when this resolves. By default it resolves every record it is handed;
   * `handle` replaces that.
   */
  async function join(
    group: string,
    subscribed: string[],
    { partitionsAtOnce = 16, handle }: { partitionsAtOnce?: number; handle?: (batch: Batch, control: BatchControl) => Promise<void> } = {},
  ): Promise<Member> {
    const member = new Member(driver.consumer({ groupId: group, ...GROUP }));
    members.push(member);
    await member.consumer.connect();
    await member.consumer.subscribe(subscribed);
    await member.consumer.run({
      partitionsAtOnce,
      eachBatch: (batch, control) =>
        member.track(batch, async () => {
          if (handle) return handle(batch, control);
          member.batches.push(batch);
          for (const m of batch.messages) control.resolveOffset(m.offset);
        }),
    });
    return member;
  }

  async function leave(member: Member): Promise<void> {
    members = members.filter((m) => m !== member);
    await member.consumer.disconnect();
  }

  const messages = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ key: `${prefix}-${i}`, value: `${prefix} value ${i}` }));

  describe('producer', () => {
    it('is connected between connect and disconnect', async () => {
      const other = driver.producer();
      expect(other.isConnected()).toBe(false);
      await other.connect();
      expect(other.isConnected()).toBe(true);
      await other.disconnect();
      expect(other.isConnected()).toBe(false);
    });

    it('writes two topics in one call; every record reads back with its key, value and headers', async () => {
      const [a, b] = [await newTopic(3), await newTopic(1)];
      const binary = Buffer.from([0, 1, 2, 253, 254, 255]);
      const before = Date.now();
      await producer.send([
        { topic: a, messages: messages(12, 'a').map((m, i) => ({ ...m, headers: { eventType: 'A', seq: String(i) } })) },
        { topic: b, messages: [{ key: 'b-0', value: binary, headers: { eventType: 'B', 'with space': 'ü ✓' } }, { key: 'b-1', value: 'plain' }] },
      ]);
      const reader = await join(newGroup(), [a, b]);
      await eventually('every record', () => reader.records().length, (n) => n >= 14);
      expect(reader.records()).toHaveLength(14);

      const all = reader.batches.flatMap((batch) => batch.messages.map((m) => ({ batch, m })));
      const ofA = all.filter(({ batch }) => batch.topic === a).sort((x, y) => Number(x.m.headers.seq) - Number(y.m.headers.seq));
      expect(ofA.map(({ m }) => [m.key!.toString(), m.value!.toString(), m.headers.eventType!.toString()])).toEqual(
        messages(12, 'a').map((m) => [m.key, m.value, 'A']),
      );
      const ofB = all.filter(({ batch }) => batch.topic === b).map(({ m }) => m);
      expect(ofB.map((m) => m.key!.toString())).toEqual(['b-0', 'b-1']);
      expect(Buffer.compare(ofB[0].value!, binary)).toBe(0);
      expect(ofB[0].headers['with space']!.toString()).toBe('ü ✓');
      expect(ofB[1].value!.toString()).toBe('plain');
      expect(ofB[1].headers).toEqual({});
      for (const { m } of all) {
        expect(m.offset).toMatch(/^\d+$/);
        expect(Number(m.timestamp)).toBeGreaterThanOrEqual(before - 1000);
        expect(Number(m.timestamp)).toBeLessThanOrEqual(Date.now() + 1000);
      }
    });

    it("puts each key on the partition kafkajs' DefaultPartitioner gives it", async () => {
      const topic = await newTopic(7);
      const keys = [...Array.from({ length: 60 }, (_, i) => `order-${i}`), '', 'ü', 'a-much-longer-key-0123456789abcdef0123456789abcdef'];
      await producer.send([{ topic, messages: keys.map((key) => ({ key, value: key })) }]);
      const reader = await join(newGroup(), [topic]);
      await eventually('every record', () => reader.records().length, (n) => n >= keys.length);
      const placed = new Map(reader.records().map((r) => [r.key, r.partition]));
      expect(placed).toEqual(new Map(keys.map((key) => [key, partitionOf(key, 7)])));
    });

    it("writes every record of sends made at once to one partition, each send's records in their order", async () => {
      const topic = await newTopic(2);
      await Promise.all(
        Array.from({ length: 5 }, (_, call) => producer.send([{ topic, messages: [0, 1, 2].map((i) => ({ key: 'same', value: `${call}.${i}` })) }])),
      );
      const reader = await join(newGroup(), [topic]);
      await eventually('every record', () => reader.records().length, (n) => n >= 15);
      // Each call's records together and in their order (calls at once have no order among them).
      const values = reader.records().sort((x, y) => x.offset - y.offset).map((r) => r.value);
      const calls = Array.from({ length: 5 }, (_, call) => values.indexOf(`${call}.0`));
      for (const [call, at] of calls.entries()) expect(values.slice(at, at + 3)).toEqual([0, 1, 2].map((i) => `${call}.${i}`));
      expect(new Set(values).size).toBe(15);
    });

    it('fails for a topic that does not exist, and writes what it is given next', async () => {
      const missing = unique('contract-missing');
      await expect(producer.send([{ topic: missing, messages: [{ key: 'k', value: 'v' }] }])).rejects.toThrow(/./);
      const topic = await newTopic(1);
      await producer.send([{ topic, messages: messages(3, 'next') }]);
      const reader = await join(newGroup(), [topic]);
      await eventually('every record', () => reader.records().length, (n) => n >= 3);
      expect(reader.records().map((r) => r.value)).toEqual(messages(3, 'next').map((m) => m.value));
    });
  });

  describe('group consumer', () => {
    it('hands each partition its records in offset order, one batch at a time, and a later member resumes right after the commits', async () => {
      const topic = await newTopic(3);
      const keys = keysFor(3);
      // 12 records on each partition.
      await producer.send([{ topic, messages: Array.from({ length: 36 }, (_, i) => ({ key: keys[i % 3], value: `v${i}` })) }]);
      const group = newGroup();
      const first = await join(group, [topic], {
        partitionsAtOnce: 2,
        handle: async (batch, control) => {
          first.batches.push(batch);
          await sleep(20); // lets the batches of other partitions run meanwhile
          for (const m of batch.messages) control.resolveOffset(m.offset);
        },
      });
      await eventually('every record', () => first.records().length, (n) => n >= 36);
      expect(first.records()).toHaveLength(36);
      expect(first.maxActivePerPartition).toBe(1);
      expect(first.maxActive).toBeLessThanOrEqual(2);
      for (const partition of [0, 1, 2]) {
        const offsets = first.records().filter((r) => r.partition === partition).map((r) => r.offset);
        expect(offsets).toEqual(Array.from({ length: 12 }, (_, i) => i));
      }
      for (const batch of first.batches) {
        expect(batch.topic).toBe(topic);
        expect(Number(batch.highWatermark)).toBeGreaterThanOrEqual(Number(batch.messages[batch.messages.length - 1].offset) + 1);
      }
      // No commit yet: the group has none.
      expect(byPartition((await admin.groupOffsets(group, [topic]))[0].partitions).map((p) => p.offset)).toEqual(['-1', '-1', '-1']);

      // Commits part of each partition (the next record to read), and leaves.
      const committed = [5, 0, 11];
      await first.consumer.commit(committed.map((offset, partition) => ({ topic, partition, offset: String(offset) })));
      expect(byPartition((await admin.groupOffsets(group, [topic]))[0].partitions)).toEqual(committed.map((offset, partition) => ({ partition, offset: String(offset) })));
      await leave(first);

      const second = await join(group, [topic]);
      const expected = committed.reduce((n, offset) => n + 12 - offset, 0);
      await eventually('the uncommitted records', () => second.records().length, (n) => n >= expected);
      await sleep(500);
      for (const partition of [0, 1, 2]) {
        const offsets = second.records().filter((r) => r.partition === partition).map((r) => r.offset);
        expect(offsets).toEqual(Array.from({ length: 12 - committed[partition] }, (_, i) => committed[partition] + i));
      }
    });

    it('fetches a partition again from after what its handler resolved', async () => {
      const topic = await newTopic(1);
      await producer.send([{ topic, messages: messages(6, 'r') }]);
      let calls = 0;
      const member = await join(newGroup(), [topic], {
        handle: async (batch, control) => {
          member.batches.push(batch);
          // The first batch is left after its first two records; the next fetch starts at the third.
          const take = calls++ === 0 ? batch.messages.slice(0, 2) : batch.messages;
          for (const m of take) control.resolveOffset(m.offset);
        },
      });
      await eventually('the rest of the records', () => member.records().filter((r) => r.offset === 5).length, (n) => n >= 1);
      expect(member.batches[0].messages[0].offset).toBe('0');
      expect(member.batches[1].messages[0].offset).toBe('2');
    });

    it('a second member makes the first rebalance and join again, and the partitions are split between them', async () => {
      const topic = await newTopic(4);
      const group = newGroup();
      const first = await join(group, [topic]);
      expect(first.events).toEqual(['joined']);
      const second = await join(group, [topic]);
      await eventually('the first member to join again', () => first.events.join(), (e) => e === 'joined,rebalancing,joined');
      expect(second.events).toContain('joined');
      await eventually('two members', async () => (await admin.describeGroups([group]))[0], (g) => g.members === 2 && g.state === 'Stable');

      const keys = keysFor(4);
      await producer.send([{ topic, messages: keys.map((key) => ({ key, value: key })) }]);
      await eventually('a record of each partition', () => first.records().length + second.records().length, (n) => n >= 4);
      await sleep(500);
      const [mine, theirs] = [first.partitions(topic), second.partitions(topic)];
      expect(mine.size).toBeGreaterThan(0);
      expect(theirs.size).toBeGreaterThan(0);
      expect([...mine, ...theirs].sort()).toEqual([0, 1, 2, 3]);
    });

    it('a handler that holds a batch while the group rebalances sees heartbeat reject, and what it left is delivered again', async () => {
      const topic = await newTopic(2);
      const group = newGroup();
      await producer.send([{ topic, messages: keysFor(2).map((key) => ({ key, value: key })) }]);
      let refused: unknown;
      const held = await join(group, [topic], {
        partitionsAtOnce: 1,
        handle: async (batch, control) => {
          if (refused) {
            held.batches.push(batch);
            for (const m of batch.messages) control.resolveOffset(m.offset);
            return;
          }
          // Holds the first batch, resolving nothing, until heartbeat says the group is rebalancing.
          const until = Date.now() + 20_000;
          while (!refused && Date.now() < until) {
            await control.heartbeat().catch((e: unknown) => (refused = e));
            await sleep(100);
          }
        },
      });
      await eventually('a batch to be held', () => held.maxActive, (n) => n === 1);
      const other = await join(group, [topic]);
      await eventually('heartbeat to reject', () => refused !== undefined, Boolean);
      expect(refused).toBeInstanceOf(Error);
      // Both partitions' records reach the two members in the end, the held one again.
      await eventually('both records', () => new Set([...held.records(), ...other.records()].map((r) => r.partition)).size, (n) => n === 2);
    });

    it('stops fetching a paused topic', async () => {
      const [kept, paused] = [await newTopic(1), await newTopic(1)];
      const member = await join(newGroup(), [kept, paused]);
      await producer.send([
        { topic: kept, messages: messages(1, 'kept') },
        { topic: paused, messages: messages(1, 'paused') },
      ]);
      await eventually('both topics', () => member.records().length, (n) => n >= 2);
      member.consumer.pause([paused]);
      await sleep(500); // a fetch under way when it paused may still bring records
      const before = member.records(paused).length;
      await producer.send([
        { topic: paused, messages: messages(3, 'later') },
        { topic: kept, messages: messages(3, 'later') },
      ]);
      await eventually('the topic kept', () => member.records(kept).length, (n) => n >= 4);
      await sleep(1000);
      expect(member.records(paused)).toHaveLength(before);
    });

    it('tells it stopped, and leaves the group at once when it disconnects', async () => {
      const topic = await newTopic(1);
      const group = newGroup();
      const member = await join(group, [topic]);
      expect((await admin.describeGroups([group]))[0]).toMatchObject({ groupId: group, members: 1 });
      await leave(member);
      expect(member.events[member.events.length - 1]).toBe('stopped');
      const [described] = await admin.describeGroups([group]);
      expect(described).toEqual({ groupId: group, state: 'Empty', members: 0 });
    });
  });

  describe('admin', () => {
    it('creates topics, a second time without error, and lists them with their partitions and leaders', async () => {
      const topic = unique('contract-admin');
      topics.push(topic);
      await admin.createTopics([{ topic, numPartitions: 2 }]);
      await admin.createTopics([{ topic, numPartitions: 2 }]);
      expect(await admin.listTopics()).toContain(topic);
      const [described] = await eventually(
        'leaders',
        () => admin.partitionsOf([topic]).catch(() => []),
        (t) => t.length === 1 && t[0].partitions.every((p) => p.leader >= 0),
      );
      expect(described.topic).toBe(topic);
      expect(byPartition(described.partitions).map((p) => p.partition)).toEqual([0, 1]);
      await expect(admin.partitionsOf([unique('contract-missing')])).rejects.toThrow(/./);
    });

    it("tells each partition's first and end offsets", async () => {
      const topic = await newTopic(2);
      const keys = keysFor(2);
      await producer.send([{ topic, messages: [keys[0], keys[0], keys[0], keys[1]].map((key) => ({ key, value: 'v' })) }]);
      expect(byPartition(await admin.topicOffsets(topic))).toEqual([
        { partition: 0, low: '0', high: '3' },
        { partition: 1, low: '0', high: '1' },
      ]);
    });

    it("tells a group's commits, sets those of a group with no member, lists and deletes groups and topics", async () => {
      const topic = await newTopic(2);
      const group = newGroup();
      const offsets = async () => (await admin.groupOffsets(group, [topic])).map((t) => ({ ...t, partitions: byPartition(t.partitions) }));
      expect(await offsets()).toEqual([
        {
          topic,
          partitions: [
            { partition: 0, offset: '-1' },
            { partition: 1, offset: '-1' },
          ],
        },
      ]);
      await admin.setGroupOffsets(group, [{ topic, partition: 1, offset: '0' }]);
      expect(await offsets()).toEqual([
        {
          topic,
          partitions: [
            { partition: 0, offset: '-1' },
            { partition: 1, offset: '0' },
          ],
        },
      ]);
      expect(await admin.groupOffsets(group)).toEqual([{ topic, partitions: [{ partition: 1, offset: '0' }] }]);
      expect(await admin.listGroups()).toContain(group);
      const never = unique('contract-never');
      expect(await admin.describeGroups([group, never])).toEqual([
        { groupId: group, state: 'Empty', members: 0 },
        { groupId: never, state: 'Dead', members: 0 },
      ]);

      await admin.deleteGroups([group]);
      expect(await admin.listGroups()).not.toContain(group);
      await admin.deleteTopics([topic]);
      await eventually('the topic to go', () => admin.listTopics(), (names) => !names.includes(topic));
    });
  });
});

describe('Kafka drivers together (real Kafka)', () => {
  const pairs = DRIVERS.flatMap(([first, a]) => DRIVERS.filter(([second]) => second !== first).map(([second, b]) => [first, second, a, b] as const));

  it.each(pairs)('a %s member and a %s member share a group, as while a deploy switches KAFKA_CLIENT', async (_first, _second, first, second) => {
    const connection = { clientId: 'driver-contract', brokers: BROKERS.split(',') };
    const [a, b] = [first(connection), second(connection)];
    const admin = a.admin();
    await admin.connect();
    const topic = unique('contract-mixed');
    const group = unique('contract-mixed-group');
    const members: KafkaGroupConsumer[] = [];
    try {
      await ensureTopics(a, [{ topic, numPartitions: 4 }]);
      const seen = [new Set<number>(), new Set<number>()];
      for (const [i, driver] of [a, b].entries()) {
        const member = driver.consumer({ groupId: group, ...GROUP });
        members.push(member);
        await member.connect();
        await member.subscribe([topic]);
        await member.run({
          partitionsAtOnce: 4,
          eachBatch: async (batch, control) => {
            seen[i].add(batch.partition);
            for (const m of batch.messages) control.resolveOffset(m.offset);
          },
        });
      }
      await eventually('both members', async () => (await admin.describeGroups([group]))[0], (g) => g.members === 2 && g.state === 'Stable');
      const producer = b.producer();
      await producer.connect();
      await producer.send([{ topic, messages: keysFor(4).map((key) => ({ key, value: key })) }]);
      await producer.disconnect();
      await eventually('a record of each partition', () => seen[0].size + seen[1].size, (n) => n >= 4);
      expect(seen[0].size).toBeGreaterThan(0);
      expect(seen[1].size).toBeGreaterThan(0);
      expect([...seen[0], ...seen[1]].sort()).toEqual([0, 1, 2, 3]);
    } finally {
      await Promise.all(members.map((m) => m.disconnect()));
      await admin.deleteGroups([group]).catch(() => undefined);
      await admin.deleteTopics([topic]).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
