import { isIP } from 'node:net';
import {
  Admin,
  type BaseOptions,
  compatibilityPartitioner,
  ConnectionPool,
  Consumer,
  consumerGroupChannel,
  type fetchV17,
  IS_CONTROL,
  ListOffsetTimestamps,
  Producer,
  ProduceAcks,
  type SASLMechanismValue,
  stringSerializer,
} from '@platformatic/kafka';
import { partitionKey } from './port';
import type {
  Batch,
  BatchControl,
  ConsumedMessage,
  DriverFactory,
  GroupDescription,
  GroupEvent,
  GroupOptions,
  GroupTopicOffsets,
  KafkaAdmin,
  KafkaConnection,
  KafkaGroupConsumer,
  KafkaProducer,
  PartitionEnds,
  PartitionOffset,
  RecordHeaders,
  TopicMessages,
  TopicSpec,
} from './port';

/**
 * @platformatic/kafka (pure JavaScript) behind the port (KAFKA_CLIENT=platformatic). Its producer and admin map one to
 * one; its consumer's message stream has no per-partition batches or flow control, so the group member here runs its
 * own fetch loop on the client's public group, fetch and offset calls (see PlatformaticGroupConsumer).
 */
export const platformaticDriver: DriverFactory = (connection: KafkaConnection) => ({
  name: 'platformatic',
  producer: () => new PlatformaticProducer(connection),
  consumer: (options) => new PlatformaticGroupConsumer(connection, options),
  admin: () => new PlatformaticAdmin(connection),
});

const SASL_MECHANISMS: Record<NonNullable<KafkaConnection['sasl']>['mechanism'], SASLMechanismValue> = {
  plain: 'PLAIN',
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-512': 'SCRAM-SHA-512',
};

/** Options every client of a connection shares: brokers, TLS, SASL and the retries of a failed request. */
function clientOptions({ clientId, brokers, ssl, sasl }: KafkaConnection): BaseOptions {
  return {
    clientId,
    bootstrapBrokers: brokers,
    ...(ssl && {
      tls: {
        rejectUnauthorized: ssl.rejectUnauthorized,
        ...(ssl.ca !== undefined && { ca: ssl.ca }),
        ...(ssl.cert !== undefined && { cert: ssl.cert }),
        ...(ssl.key !== undefined && { key: ssl.key }),
      },
      // SNI, as kafkajs sends it (managed clusters route on it); Node warns against it for an IP address.
      tlsServerName: brokers.every((broker) => !isIP(broker.slice(0, broker.lastIndexOf(':')).replace(/^\[|\]$/g, ''))),
    }),
    ...(sasl && { sasl: { mechanism: SASL_MECHANISMS[sasl.mechanism], username: sasl.username, password: sasl.password } }),
    // As the kafkajs client: backoff doubles from 200 ms and never waits over 2 s, 8 times (about 11 s in all).
    retries: 8,
    retryDelay: (_client, _operation, attempt) => Math.min(200 * 2 ** (attempt - 1), 2000),
  };
}

/**
 * The library's errors nest (a request's failure holds each partition's, a retried one each attempt's): one Error
 * whose message names every distinct reason, the original as its cause.
 */
function explained(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  const reasons = new Set<string>();
  const visit = (e: unknown): void => {
    if (!(e instanceof Error)) return void reasons.add(String(e));
    const nested = e instanceof AggregateError ? e.errors : [];
    if (nested.length) nested.forEach(visit);
    else {
      const code = (e as { apiId?: string }).apiId;
      reasons.add(code ? `${code}: ${e.message}` : e.message);
    }
    if (e.cause) visit(e.cause);
  };
  visit(error);
  reasons.delete(message);
  return new Error(reasons.size ? `${message} (${[...reasons].join('; ')})` : message, { cause: error });
}

const rethrow = (error: unknown): never => {
  throw explained(error);
};

/** A request failed because of one protocol error (the library marks them with `apiId`). */
const failedWith = (error: unknown, apiId: string): boolean =>
  Boolean((error as { findBy?: (property: string, value: unknown) => unknown }).findBy?.('apiId', apiId));

/** Answers of a group coordinator that is not ready yet (a fresh broker creating __consumer_offsets, a moved coordinator). */
const COORDINATOR_BUSY = ['COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS', 'NOT_COORDINATOR'];

/**
 * Runs a group request again while the coordinator is busy, for up to 30 s: what kafkajs does for its group calls,
 * and what a tool setting a new group's offsets on a fresh broker needs. Any other failure is thrown at once.
 */
async function whileCoordinatorBusy<T>(request: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
    try {
      return await request();
    } catch (error) {
      if (Date.now() > deadline || !COORDINATOR_BUSY.some((id) => failedWith(error, id))) rethrow(error);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

type PlatformaticProducerClient = Producer<string, string | Buffer, string, string>;

class PlatformaticProducer implements KafkaProducer {
  private producer?: PlatformaticProducerClient;
  /** Sends go one after the other: see send. */
  private sending: Promise<unknown> = Promise.resolve();
  /** The last send failed: see send. */
  private failed = false;
  private reachable = false;
  private reconnecting?: Promise<void>;

  constructor(private readonly connection: KafkaConnection) {}

  async connect(): Promise<void> {
    if (!this.producer || this.producer.closed) {
      this.producer = new Producer({
        ...clientOptions(this.connection),
        // Idempotent implies acks=all and one request in flight per broker connection.
        idempotent: true,
        acks: ProduceAcks.ALL,
        // murmur2 & 0x7fffffff % partitions: where the Java client and kafkajs' DefaultPartitioner put a key.
        partitioner: compatibilityPartitioner,
        serializers: { key: stringSerializer, value: bufferOf, headerKey: stringSerializer, headerValue: stringSerializer },
      });
    }
    await this.producer.connectToBrokers().catch(rethrow);
    this.reachable = true;
  }

  /**
   * One produce request per broker for every topic of the batch. Sends run one after the other: the library numbers
   * an idempotent request's records when it builds the request and counts them only once answered, so two requests
   * to one partition at once carry the same sequence numbers, and the broker takes the second for a retry of the
   * first: it answers success and drops its records (seen with 1.35: five sends at once, three records written).
   */
  async send(batch: TopicMessages[]): Promise<void> {
    const producer = this.connected();
    const messages = batch.flatMap(({ topic, messages }) => messages.map(({ key, value, headers }) => ({ topic, key, value, headers })));
    if (!messages.length) return;
    const sent = this.sending.then(async () => {
      // After a failed send the broker may hold records whose sequence numbers the library did not count: the next
      // records would reuse them and be dropped as duplicates, or refused. A new producer id starts the numbers anew
      // (what failed is sent again by the caller; a copy it may leave is the consumers' inbox's to skip).
      if (this.failed) await producer.initIdempotentProducer({});
      this.failed = false;
      await producer.send({ messages }).catch((error: unknown) => {
        this.failed = true;
        throw error;
      });
    });
    this.sending = sent.catch(() => undefined);
    await sent.catch(rethrow);
  }

  isConnected(): boolean {
    const producer = this.producer;
    if (!producer || producer.closed) return false;
    // The library connects on demand, so after a broker closed an idle connection (or restarted) there is none until
    // the next send: connect now, so that readiness tells a broker that is gone from one that was merely quiet.
    if (!producer.isConnected()) {
      this.reconnecting ??= producer
        .connectToBrokers()
        .then(
          () => void (this.reachable = true),
          () => void (this.reachable = false),
        )
        .finally(() => (this.reconnecting = undefined));
    }
    return this.reachable;
  }

  async disconnect(): Promise<void> {
    if (!this.producer || this.producer.closed) return;
    await this.sending;
    this.reachable = false;
    await this.producer.close().catch(rethrow);
  }

  private connected(): PlatformaticProducerClient {
    if (!this.producer || this.producer.closed) throw new Error('the producer is not connected');
    return this.producer;
  }
}

function bufferOf(value?: string | Buffer): Buffer | undefined {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

/** A partition this member owns. */
interface Owned {
  topic: string;
  partition: number;
}

/** A batch as fetched, and its partition ("topic:partition"). */
interface Fetched {
  key: string;
  batch: Batch;
}

/** After a crash the member rejoins its group after this long, doubling up to 10 s while it keeps failing. */
const RESTART_AFTER_MS = 1000;
const RESTART_AFTER_MAX_MS = 10_000;
/** kafkajs' default, which Homestore ran with: at most this much of one partition per fetch. */
const PARTITION_MAX_BYTES = 1024 * 1024;

/**
 * A group member on the library's Consumer used for its group membership (join, sync, heartbeats in the background,
 * leave), commits and offset look-ups, with a fetch loop of its own: each fetch asks every leader for the owned
 * partitions not paused, from each one's position; the batches of a fetch are handled `partitionsAtOnce` at a time
 * and the next fetch waits for all of them, so that one partition's batches never overlap. A partition's position
 * moves past what its handler resolved.
 *
 * After a join every position is read again: the group's committed offset, or the partition's first record when
 * there is none (or the commit lies outside what the partition keeps, as auto.offset.reset=earliest). A crash (a
 * fetch or handler that failed, or the library giving up rejoining) makes the member rejoin, as kafkajs restarts.
 */
class PlatformaticGroupConsumer implements KafkaGroupConsumer {
  private consumer?: Consumer;
  /** Fetches wait on the broker (maxWaitMs): on connections of their own, heartbeats and commits never queue behind. */
  private fetchConnections?: ConnectionPool;
  private readonly listeners = new Set<(event: GroupEvent) => void>();
  private topics: string[] = [];
  private readonly paused = new Set<string>();
  /** The partitions of the last join. */
  private owned = new Map<string, Owned>();
  /** The next offset to fetch of owned partitions; those without one are read from the group's commits first. */
  private readonly positions = new Map<string, bigint>();
  /** Joins so far: what a handler of an earlier one finishes does not move the positions read since. */
  private joins = 0;
  /** A JoinGroup is under way: the partitions may be taken away (heartbeat rejects, nothing is fetched). */
  private rejoining = false;
  /** The member must join again (after a crash). */
  private restart = false;
  private failures = 0;
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly options: GroupOptions,
  ) {}

  async connect(): Promise<void> {
    if (!this.consumer || this.consumer.closed) {
      const common = clientOptions(this.connection);
      // The library refuses a rebalance timeout shorter than the session timeout (Kafka and kafkajs take it): a longer
      // session (CONSUMER_SESSION_TIMEOUT_MS) lengthens the rebalance timeout with it.
      const rebalanceTimeoutMs = Math.max(this.options.rebalanceTimeoutMs, this.options.sessionTimeoutMs);
      const consumer = new Consumer({
        ...common,
        groupId: this.options.groupId,
        ...(this.options.instanceId ? { groupInstanceId: this.options.instanceId } : {}),
        sessionTimeout: this.options.sessionTimeoutMs,
        rebalanceTimeout: rebalanceTimeoutMs,
        heartbeatInterval: this.options.heartbeatIntervalMs,
        minBytes: this.options.minBytes,
        maxWaitTime: this.options.maxWaitMs,
        autocommit: false,
        // kafkajs' name for the same round-robin assignment (the library's own is "roundrobin"): members of both drivers
        // can then share a group, as while a rolling deploy switches KAFKA_CLIENT (else INCONSISTENT_GROUP_PROTOCOL).
        protocols: [{ name: 'RoundRobinAssigner', version: 0 }],
        // A JoinGroup waits on the broker up to the rebalance timeout.
        requestTimeout: Math.max(30_000, rebalanceTimeoutMs + 5000),
      });
      consumer.on('consumer:group:join', ({ assignments }) => this.joined(assignments ?? []));
      // Emitted when the library gave up rejoining after a rebalance (its retries spent): join again, from the loop.
      consumer.on('error', (error: Error) => this.crashed(error));
      this.consumer = consumer;
      this.fetchConnections = new ConnectionPool(common.clientId, common);
    }
    await this.consumer.connectToBrokers().catch(rethrow);
  }

  async subscribe(topics: string[]): Promise<void> {
    const consumer = this.connected();
    this.topics = [...topics];
    consumer.topics.trackAll(...topics);
    // Fails now for a topic that does not exist, as kafkajs' subscribe does.
    await consumer.metadata({ topics }).catch(rethrow);
  }

  async run({ partitionsAtOnce, eachBatch }: Parameters<KafkaGroupConsumer['run']>[0]): Promise<void> {
    const consumer = this.connected();
    this.running = true;
    consumerGroupChannel.start.subscribe(this.onGroupOperation);
    try {
      await consumer.joinGroup();
    } catch (error) {
      this.running = false;
      consumerGroupChannel.start.unsubscribe(this.onGroupOperation);
      rethrow(error);
    }
    this.loop = this.fetchLoop(eachBatch, Math.max(1, partitionsAtOnce));
  }

  pause(topics: string[]): void {
    for (const topic of topics) this.paused.add(topic);
  }

  /** Commits the offsets of partitions this member owns; the others' new owners read those records again. */
  async commit(offsets: PartitionOffset[]): Promise<void> {
    const owned = offsets.filter((o) => this.owned.has(partitionKey(o.topic, o.partition)));
    if (!owned.length) return;
    await this.connected()
      .commit({ offsets: owned.map(({ topic, partition, offset }) => ({ topic, partition, offset: BigInt(offset), leaderEpoch: -1 })) })
      .catch(rethrow);
  }

  on(listener: (event: GroupEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Waits for the fetch and the handlers under way, then leaves the group, so that its partitions move at once. */
  async disconnect(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer || consumer.closed) return;
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    this.loop = undefined;
    consumerGroupChannel.start.unsubscribe(this.onGroupOperation);
    this.owned = new Map();
    this.positions.clear();
    this.paused.clear();
    this.rejoining = this.restart = false;
    // When leaving fails (the broker is gone), the session timeout frees the partitions; the sockets close all the same.
    await consumer.close().catch(() => consumer.connections.close().catch(() => undefined));
    await this.fetchConnections?.close();
    this.emit({ type: 'stopped' });
  }

  private connected(): Consumer {
    if (!this.consumer || this.consumer.closed) throw new Error(`the consumer of group ${this.options.groupId} is not connected`);
    return this.consumer;
  }

  private emit(event: GroupEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Every JoinGroup of this member (a rebalance, or a rejoin after it was dropped from the group) begins here. */
  private readonly onGroupOperation = (message: unknown): void => {
    const { client, operation } = message as { client?: unknown; operation?: string };
    if (client !== this.consumer || operation !== 'joinGroup' || this.rejoining) return;
    this.rejoining = true;
    if (this.joins > 0) this.emit({ type: 'rebalancing' });
  };

  private joined(assignments: { topic: string; partitions: number[] }[]): void {
    this.joins++;
    this.owned = new Map(assignments.flatMap(({ topic, partitions }) => partitions.map((partition) => [partitionKey(topic, partition), { topic, partition }])));
    this.positions.clear();
    this.rejoining = false;
    this.restart = false;
    this.emit({ type: 'joined' });
    this.wakeUp?.();
  }

  private crashed(error: unknown): void {
    this.owned = new Map();
    this.positions.clear();
    this.restart = true;
    this.emit({ type: 'crashed', error: explained(error), restarting: this.running });
    this.wakeUp?.();
  }

  private async fetchLoop(eachBatch: (batch: Batch, control: BatchControl) => Promise<void>, partitionsAtOnce: number): Promise<void> {
    while (this.running) {
      try {
        if (this.restart) await this.connected().joinGroup();
        else if (this.rejoining || !this.owned.size) await this.idle(this.options.maxWaitMs);
        else await this.fetchAndHandle(eachBatch, partitionsAtOnce);
        this.failures = 0;
      } catch (error) {
        if (!this.running) break;
        this.crashed(error);
        await this.idle(Math.min(RESTART_AFTER_MS * 2 ** this.failures++, RESTART_AFTER_MAX_MS));
      }
    }
  }

  /** Resolves after `ms`, or at once when something wakes the loop (a join, a crash, disconnect). */
  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async fetchAndHandle(eachBatch: (batch: Batch, control: BatchControl) => Promise<void>, partitionsAtOnce: number): Promise<void> {
    const consumer = this.connected();
    const joins = this.joins;
    await this.readPositions(consumer, joins);
    const wanted = [...this.owned].filter(([key, { topic }]) => !this.paused.has(topic) && this.positions.has(key));
    if (joins !== this.joins) return;
    if (!wanted.length) return this.idle(this.options.maxWaitMs);

    const metadata = await consumer.metadata({ topics: this.topics });
    const requests = new Map<number, Map<string, fetchV17.FetchRequestTopic>>();
    const names = new Map<string, string>();
    const asked = new Map<string, bigint>();
    for (const [key, { topic, partition }] of wanted) {
      const described = metadata.topics.get(topic);
      if (!described) throw new Error(`topic ${topic} is not in the cluster's metadata`);
      const leader = described.partitions[partition].leader;
      const byTopic = requests.get(leader) ?? new Map<string, fetchV17.FetchRequestTopic>();
      requests.set(leader, byTopic);
      const request = byTopic.get(topic) ?? { topicId: described.id, partitions: [] };
      byTopic.set(topic, request);
      const fetchOffset = this.positions.get(key)!;
      asked.set(key, fetchOffset);
      names.set(described.id, topic);
      request.partitions.push({ partition, fetchOffset, partitionMaxBytes: PARTITION_MAX_BYTES, currentLeaderEpoch: -1, lastFetchedEpoch: -1 });
    }
    const responses = await Promise.all(
      [...requests].map(([node, byTopic]) =>
        consumer.fetch({ node, topics: [...byTopic.values()], connectionPool: this.fetchConnections }).catch((error: unknown) => {
          // Records gone (retention) or a position past the end: read the positions again (see readPositions).
          if (failedWith(error, 'OFFSET_OUT_OF_RANGE')) return undefined;
          throw error;
        }),
      ),
    );
    if (responses.includes(undefined)) this.positions.clear();
    if (joins !== this.joins || !this.running) return;

    const fetched: Fetched[] = [];
    for (const response of responses) {
      for (const { topicId, partitions } of response?.responses ?? []) {
        const topic = names.get(topicId)!;
        for (const answer of partitions) {
          const key = partitionKey(topic, answer.partitionIndex);
          const from = asked.get(key)!;
          const { messages, end } = recordsOf(answer, from);
          if (messages.length) fetched.push({ key, batch: { topic, partition: answer.partitionIndex, messages, highWatermark: String(answer.highWatermark) } });
          // Only transaction markers: nothing to hand on, but the position moves past them.
          else if (end > from) this.positions.set(key, end);
        }
      }
    }
    await this.handleAll(fetched, eachBatch, partitionsAtOnce, joins);
  }

  /** Positions for the owned partitions that have none: the group's commit, kept within what the partition holds. */
  private async readPositions(consumer: Consumer, joins: number): Promise<void> {
    const missing = [...this.owned].filter(([key]) => !this.positions.has(key));
    if (!missing.length) return;
    const partitionsOf = new Map<string, number[]>();
    for (const [, { topic, partition }] of missing) partitionsOf.set(topic, [...(partitionsOf.get(topic) ?? []), partition]);
    const topics = [...partitionsOf.keys()];
    const [committed, earliest, latest] = await Promise.all([
      consumer.listCommittedOffsets({ topics: [...partitionsOf].map(([topic, partitions]) => ({ topic, partitions })) }),
      consumer.listOffsets({ topics, timestamp: ListOffsetTimestamps.EARLIEST }),
      consumer.listOffsets({ topics, timestamp: ListOffsetTimestamps.LATEST }),
    ]);
    if (joins !== this.joins) return;
    for (const [key, { topic, partition }] of missing) {
      const commit = committed.get(topic)?.[partition] ?? -1n;
      const low = earliest.get(topic)![partition];
      const high = latest.get(topic)![partition];
      this.positions.set(key, commit >= low && commit <= high ? commit : low);
    }
  }

  /** Hands the batches on, `partitionsAtOnce` at a time; rejects (after all settled) with the first handler's error. */
  private async handleAll(
    fetched: Fetched[],
    eachBatch: (batch: Batch, control: BatchControl) => Promise<void>,
    partitionsAtOnce: number,
    joins: number,
  ): Promise<void> {
    const errors: unknown[] = [];
    let next = 0;
    const worker = async () => {
      while (next < fetched.length) {
        const item = fetched[next++];
        await this.handle(item, eachBatch, joins).catch((error: unknown) => errors.push(error));
      }
    };
    await Promise.all(Array.from({ length: Math.min(partitionsAtOnce, fetched.length) }, worker));
    if (errors.length) throw errors[0];
  }

  private async handle({ key, batch }: Fetched, eachBatch: (batch: Batch, control: BatchControl) => Promise<void>, joins: number): Promise<void> {
    let resolved: bigint | undefined;
    const control: BatchControl = {
      resolveOffset: (offset) => {
        const o = BigInt(offset);
        if (resolved === undefined || o > resolved) resolved = o;
      },
      // The library heartbeats on its own, whatever the handlers do: this only tells a handler to leave the batch.
      heartbeat: async () => {
        if (this.rejoining) throw new Error(`group ${this.options.groupId} is rebalancing`);
        if (!this.owned.has(key)) throw new Error(`${key} is no longer assigned to this member of ${this.options.groupId}`);
      },
      isRunning: () => this.running,
      isStale: () => !this.owned.has(key),
    };
    try {
      await eachBatch(batch, control);
    } finally {
      if (resolved !== undefined && joins === this.joins) this.positions.set(key, resolved + 1n);
    }
  }
}

/** The records of a partition's answer from offset `from` on (a fetch answers whole record batches), and its end. */
function recordsOf(answer: fetchV17.FetchResponsePartition, from: bigint): { messages: ConsumedMessage[]; end: bigint } {
  const messages: ConsumedMessage[] = [];
  let end = from;
  for (const batch of answer.records ?? []) {
    end = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
    if (batch.attributes & IS_CONTROL) continue;
    for (const record of batch.records) {
      const offset = batch.firstOffset + BigInt(record.offsetDelta);
      if (offset < from) continue;
      const headers: RecordHeaders = {};
      for (const [name, value] of record.headers) {
        const header = name?.toString() ?? '';
        if (!(header in headers)) headers[header] = value ?? undefined;
      }
      messages.push({ key: record.key, value: record.value, headers, offset: String(offset), timestamp: String(batch.firstTimestamp + record.timestampDelta) });
    }
  }
  return { messages, end };
}

/** The library upper-cases the state the broker names ("PreparingRebalance" comes as "PREPARINGREBALANCE"): named back. */
const GROUP_STATES = new Map(
  ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead', 'Assigning', 'Reconciling', 'NotReady'].map((state) => [state.toUpperCase(), state]),
);

class PlatformaticAdmin implements KafkaAdmin {
  private admin?: Admin;

  constructor(private readonly connection: KafkaConnection) {}

  async connect(): Promise<void> {
    // Each request is tried once, as the kafkajs driver's: the callers (the lag sampler's next tick, ensureTopics' loop) ask again.
    if (!this.admin || this.admin.closed) this.admin = new Admin({ ...clientOptions(this.connection), retries: 0 });
    await this.admin.connectToBrokers().catch(rethrow);
  }

  async disconnect(): Promise<void> {
    if (this.admin && !this.admin.closed) await this.admin.close().catch(rethrow);
  }

  listTopics(): Promise<string[]> {
    return this.connected().listTopics().catch(rethrow);
  }

  async createTopics(specs: TopicSpec[]): Promise<void> {
    const admin = this.connected();
    // One request per topic: a topic's partitions and replicas are the request's, and one that exists fails alone.
    await Promise.all(
      specs.map(({ topic, numPartitions, replicationFactor, configEntries }) =>
        admin.createTopics({ topics: [topic], partitions: numPartitions ?? -1, replicas: replicationFactor ?? -1, configs: configEntries }).catch((error: unknown) => {
          if (!failedWith(error, 'TOPIC_ALREADY_EXISTS')) rethrow(error);
        }),
      ),
    );
  }

  async deleteTopics(topics: string[]): Promise<void> {
    await this.connected().deleteTopics({ topics }).catch(rethrow);
  }

  async partitionsOf(topics: string[]): Promise<{ topic: string; partitions: { partition: number; leader: number }[] }[]> {
    const metadata = await this.connected().metadata({ topics, forceUpdate: true }).catch(rethrow);
    return topics.map((topic) => {
      const described = metadata.topics.get(topic);
      if (!described) throw new Error(`topic ${topic} is unknown to the brokers`);
      return { topic, partitions: described.partitions.map(({ leader }, partition) => ({ partition, leader })) };
    });
  }

  async topicOffsets(topic: string): Promise<PartitionEnds[]> {
    const admin = this.connected();
    const [{ partitions }] = await this.partitionsOf([topic]);
    const ends = (timestamp: bigint) =>
      admin.listOffsets({ topics: [{ name: topic, partitions: partitions.map(({ partition }) => ({ partitionIndex: partition, timestamp })) }] }).catch(rethrow);
    const [low, high] = await Promise.all([ends(ListOffsetTimestamps.EARLIEST), ends(ListOffsetTimestamps.LATEST)]);
    const offsetOf = (listed: typeof low, partition: number) => String(listed[0].partitions.find((p) => p.partitionIndex === partition)!.offset);
    return partitions.map(({ partition }) => ({ partition, low: offsetOf(low, partition), high: offsetOf(high, partition) }));
  }

  async groupOffsets(groupId: string, topics?: string[]): Promise<GroupTopicOffsets[]> {
    const admin = this.connected();
    if (!topics) {
      // Every topic the group committed on, as the broker lists them.
      const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] }).catch(rethrow);
      return (group?.topics ?? []).map(({ name, partitions }) => ({
        topic: name,
        partitions: partitions.map(({ partitionIndex, committedOffset }) => ({ partition: partitionIndex, offset: String(committedOffset) })),
      }));
    }
    const described = await this.partitionsOf(topics);
    const [group] = await admin
      .listConsumerGroupOffsets({
        groups: [{ groupId, topics: described.map(({ topic, partitions }) => ({ name: topic, partitionIndexes: partitions.map((p) => p.partition) })) }],
      })
      .catch(rethrow);
    return described.map(({ topic, partitions }) => {
      const committed = group?.topics.find((t) => t.name === topic)?.partitions ?? [];
      return {
        topic,
        partitions: partitions.map(({ partition }) => ({ partition, offset: String(committed.find((p) => p.partitionIndex === partition)?.committedOffset ?? -1n) })),
      };
    });
  }

  async listGroups(): Promise<string[]> {
    return [...(await this.connected().listGroups().catch(rethrow)).keys()];
  }

  async describeGroups(groupIds: string[]): Promise<GroupDescription[]> {
    const groups = await this.connected().describeGroups({ groups: groupIds }).catch(rethrow);
    return groupIds.map((groupId) => {
      const group = groups.get(groupId);
      return { groupId, state: GROUP_STATES.get(group?.state ?? 'DEAD') ?? group!.state, members: group?.members.size ?? 0 };
    });
  }

  async deleteGroups(groupIds: string[]): Promise<void> {
    await this.connected().deleteGroups({ groups: groupIds }).catch(rethrow);
  }

  /** An OffsetCommit on behalf of the group: once answered, the offsets read back as committed. */
  async setGroupOffsets(groupId: string, offsets: PartitionOffset[]): Promise<void> {
    const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
    for (const { topic, partition, offset } of offsets) byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset: BigInt(offset) }]);
    const admin = this.connected();
    await whileCoordinatorBusy(() => admin.alterConsumerGroupOffsets({ groupId, topics: [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets })) }));
  }

  private connected(): Admin {
    if (!this.admin || this.admin.closed) throw new Error('the admin client is not connected');
    return this.admin;
  }
}
