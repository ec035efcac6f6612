import { Logger } from '@nestjs/common';
import { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, logCreator, logLevel, Partitioners, Producer, SASLOptions } from 'kafkajs';
import './kafkajs-idle-fix';
import type {
  ConsumedMessage,
  DriverFactory,
  GroupEvent,
  GroupOptions,
  KafkaAdmin,
  KafkaConnection,
  KafkaGroupConsumer,
  KafkaProducer,
  PartitionOffset,
  RecordHeaders,
  TopicMessages,
} from './port';

/** kafkajs 2.2.4 behind the port (KAFKA_CLIENT=kafkajs). */
export const kafkajsDriver: DriverFactory = (connection: KafkaConnection) => {
  const kafka = kafkaOf(connection);
  return {
    name: 'kafkajs',
    producer: () => new KafkajsProducer(producerOf(kafka)),
    consumer: (options) => new KafkajsGroupConsumer(kafka, options),
    admin: () => new KafkajsAdmin(kafka),
  };
};

/**
 * kafkajs warns that bounded retries "may invalidate EoS guarantees". We rely on at-least-once delivery plus
 * consumer inboxes, not on Kafka transactions, and a relay that fails fast is what lets readiness report it.
 */
const EXPECTED_WARNINGS = [/Limiting retries for the idempotent producer/];

/**
 * kafkajs logs every error response of the broker at ERROR, even the ones it retries and gets past
 * (coordinator loading, rebalance in progress). What it cannot get past is thrown, and logged by our code.
 */
const RETRIED_RESPONSES = /^Response \w+\(key: \d+, version: \d+\)$/;

/**
 * Sends kafkajs' own log lines through the Nest logger, so through the service's (libs/platform ServiceLogger): one
 * line each, context `kafkajs`, with what kafkajs says about it (broker, groupId, error, ...) as fields of the line
 * and the ids of the request or event being handled when there is one.
 */
export const kafkajsLogCreator: logCreator = () => {
  const logger = new Logger('kafkajs');
  return ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, logger: _logger, ...details } = log;
    if (EXPECTED_WARNINGS.some((w) => w.test(message))) return;
    const line = { msg: message, ...(namespace ? { namespace } : {}), ...details };
    if (RETRIED_RESPONSES.test(message)) logger.debug(line);
    else if (level <= logLevel.ERROR) logger.error(line);
    else if (level === logLevel.WARN) logger.warn(line);
    else logger.debug(line);
  };
};

/** The kafkajs client of a connection, with TLS and SASL when it asks for them (KAFKA_SSL*, KAFKA_SASL_*). */
function kafkaOf({ clientId, brokers, ssl, sasl }: KafkaConnection): Kafka {
  return new Kafka({
    clientId,
    brokers,
    ...(ssl && { ssl }),
    // kafkajs names the mechanisms as KafkaConnection does; only its type wants a separate object type for each.
    ...(sasl && { sasl: sasl as SASLOptions }),
    logLevel: logLevel.WARN,
    logCreator: kafkajsLogCreator,
    // Backoff doubles from 200 ms but never waits over 2 s: after a broker restart a client tries again within 2 s
    // (kafkajs' own 30 s ceiling kept groups idle for half a minute while the broker was back).
    retry: { initialRetryTime: 200, maxRetryTime: 2000, retries: 8 },
  });
}

/** The idempotent, acks=all producer used by the relay and for dead letters (one request in flight keeps order). */
function producerOf(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

class KafkajsProducer implements KafkaProducer {
  private connected = false;

  constructor(private readonly producer: Producer) {
    producer.on(producer.events.CONNECT, () => (this.connected = true));
    producer.on(producer.events.DISCONNECT, () => (this.connected = false));
  }

  isConnected(): boolean {
    return this.connected;
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async send(batch: TopicMessages[]): Promise<void> {
    await this.producer.sendBatch({ acks: -1, topicMessages: batch });
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

class KafkajsGroupConsumer implements KafkaGroupConsumer {
  private readonly consumer: Consumer;
  private topics: string[] = [];

  constructor(kafka: Kafka, options: GroupOptions) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      allowAutoTopicCreation: false,
      minBytes: options.minBytes,
      maxWaitTimeInMs: options.maxWaitMs,
    });
  }

  connect(): Promise<void> {
    return this.consumer.connect();
  }

  subscribe(topics: string[]): Promise<void> {
    this.topics = topics;
    return this.consumer.subscribe({ topics, fromBeginning: true });
  }

  run({ partitionsAtOnce, eachBatch }: Parameters<KafkaGroupConsumer['run']>[0]): Promise<void> {
    return this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: partitionsAtOnce,
      eachBatch: ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) =>
        eachBatch(
          { topic: batch.topic, partition: batch.partition, messages: batch.messages.map(consumed), highWatermark: batch.highWatermark },
          { resolveOffset, heartbeat, isRunning, isStale },
        ),
    });
  }

  pause(topics: string[]): void {
    this.consumer.pause(topics.filter((t) => this.topics.includes(t)).map((topic) => ({ topic })));
  }

  async commit(offsets: { topic: string; partition: number; offset: string }[]): Promise<void> {
    await this.consumer.commitOffsets(offsets);
  }

  on(listener: (event: GroupEvent) => void): () => void {
    const { GROUP_JOIN, REBALANCING, CRASH, STOP, DISCONNECT } = this.consumer.events;
    const removers = [
      this.consumer.on(GROUP_JOIN, () => listener({ type: 'joined' })),
      this.consumer.on(REBALANCING, () => listener({ type: 'rebalancing' })),
      this.consumer.on(CRASH, ({ payload }) => listener({ type: 'crashed', error: payload.error, restarting: payload.restart })),
      this.consumer.on(STOP, () => listener({ type: 'stopped' })),
      this.consumer.on(DISCONNECT, () => listener({ type: 'stopped' })),
    ];
    return () => removers.forEach((remove) => remove());
  }

  disconnect(): Promise<void> {
    return this.consumer.disconnect();
  }
}

/** A kafkajs message as the port reads it: one value per header, the timestamp as kafkajs gives it (ms). */
function consumed(message: KafkaMessage): ConsumedMessage {
  return { key: message.key, value: message.value, headers: firstValues(message.headers), offset: message.offset, timestamp: message.timestamp };
}

function firstValues(headers: IHeaders | undefined): RecordHeaders {
  const out: RecordHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name] = Array.isArray(value) ? value[0] : value;
  return out;
}

class KafkajsAdmin implements KafkaAdmin {
  /** Each request is tried once: the callers (the lag sampler's next tick, ensureTopics' loop) ask again. */
  private readonly admin: Admin;

  constructor(private readonly kafka: Kafka) {
    this.admin = kafka.admin({ retry: { retries: 0 } });
  }

  connect(): Promise<void> {
    return this.admin.connect();
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }

  listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  async createTopics(specs: Parameters<KafkaAdmin['createTopics']>[0]): Promise<void> {
    // Resolves false instead of failing when another process created some of them meanwhile.
    await this.admin.createTopics({ topics: specs, waitForLeaders: false });
  }

  deleteTopics(topics: string[]): Promise<void> {
    return this.admin.deleteTopics({ topics });
  }

  async partitionsOf(topics: string[]) {
    const { topics: described } = await this.admin.fetchTopicMetadata({ topics });
    return described.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => ({ partition: p.partitionId, leader: p.leader })) }));
  }

  async topicOffsets(topic: string) {
    return (await this.admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low, high }));
  }

  async groupOffsets(groupId: string, topics?: string[]) {
    return (await this.admin.fetchOffsets({ groupId, ...(topics ? { topics } : {}) })).map(({ topic, partitions }) => ({
      topic,
      partitions: partitions.map(({ partition, offset }) => ({ partition, offset })),
    }));
  }

  async listGroups(): Promise<string[]> {
    return (await this.admin.listGroups()).groups.map((g) => g.groupId);
  }

  async describeGroups(groupIds: string[]) {
    const { groups } = await this.admin.describeGroups(groupIds);
    const byId = new Map(groups.map((g) => [g.groupId, { groupId: g.groupId, state: g.state, members: g.members.length }]));
    return groupIds.map((id) => byId.get(id) ?? { groupId: id, state: 'Dead', members: 0 });
  }

  deleteGroups(groupIds: string[]): Promise<void> {
    return this.admin.deleteGroups(groupIds).then(() => undefined);
  }

  setGroupOffsets(groupId: string, offsets: PartitionOffset[]): Promise<void> {
    const byTopic: Record<string, { partition: number; offset: string }[]> = {};
    for (const { topic, partition, offset } of offsets) (byTopic[topic] ??= []).push({ partition, offset });
    return setGroupOffsets(this.kafka, groupId, byTopic);
  }
}

/**
 * Commits these offsets for a consumer group that has no live members, for every topic in one group join (kafkajs'
 * admin.setOffsets joins once per topic, seconds each). Same technique: a paused member seeks, and kafkajs commits
 * the seeks as it fetches; done once the group's committed offsets read back as asked.
 */
async function setGroupOffsets(kafka: Kafka, groupId: string, offsets: Record<string, { partition: number; offset: string }[]>): Promise<void> {
  const topics = Object.keys(offsets);
  const wanted = topics.flatMap((topic) => offsets[topic].map((p) => `${topic}:${p.partition}:${p.offset}`)).sort();
  const admin = kafka.admin();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  await Promise.all([admin.connect(), consumer.connect()]);
  try {
    // The partitions asked for, as committed now (the others of their topics read "-1" and are not compared).
    const asked = new Set(topics.flatMap((topic) => offsets[topic].map((p) => `${topic}:${p.partition}`)));
    const committed = async () =>
      (await admin.fetchOffsets({ groupId, topics }))
        .flatMap((t) => t.partitions.filter((p) => asked.has(`${t.topic}:${p.partition}`)).map((p) => `${t.topic}:${p.partition}:${p.offset}`))
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

