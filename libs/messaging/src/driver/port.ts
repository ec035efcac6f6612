/**
 * The Kafka driver port: the few operations Homestore needs of a Kafka client, so that the outbox relay, the
 * consumer groups and the tools do not depend on one library. `KAFKA_CLIENT` picks the driver (driver/index.ts);
 * each driver adapts one client to these shapes and adds nothing of its own.
 */

/** A record's headers as read: a value per name (a client that keeps several values of one name gives the first). */
export type RecordHeaders = Record<string, string | Buffer | undefined>;

/** A record read from a partition. */
export interface ConsumedMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeaders;
  /** Its offset, as a decimal string (offsets are 64-bit). */
  offset: string;
  /** When it was produced, in ms since the epoch, as a decimal string. */
  timestamp: string;
}

/** A record to write. Its partition is the key's (murmur2, as the Java client and kafkajs place keys). */
export interface ProducedMessage {
  key: string;
  value: string | Buffer;
  headers?: Record<string, string>;
}

export interface TopicMessages {
  topic: string;
  messages: ProducedMessage[];
}

/** An idempotent producer whose writes are acknowledged by every in-sync replica (acks=all), in order per partition. */
export interface KafkaProducer {
  connect(): Promise<void>;
  /** Writes the messages, every topic in one go where the client can; resolves once all are acknowledged, else throws. */
  send(batch: TopicMessages[]): Promise<void>;
  /** False before connect, after disconnect, and while the client has lost the brokers (readiness reports it). */
  isConnected(): boolean;
  disconnect(): Promise<void>;
}

/** How a member of a consumer group fetches and keeps its membership. */
export interface GroupOptions {
  groupId: string;
  /** How long a silent member keeps its partitions. */
  sessionTimeoutMs: number;
  /** How long a rebalance waits for the members to rejoin. */
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** A fetch waits on the broker until it has this many bytes, or maxWaitMs passed. */
  minBytes: number;
  maxWaitMs: number;
  /**
   * A static member's id (Kafka's group.instance.id): the same across this process's restarts, and no other member's
   * in the group. A member that restarts with it takes its partitions back at once, with no rebalance. Unset: a new
   * member at every start. (kafkajs has no static membership: its driver ignores it.)
   */
  instanceId?: string;
}

/** The records of one partition that one fetch brought. */
export interface Batch {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
  /** The partition's end offset when fetched: `highWatermark - 1` is its last record. */
  highWatermark: string;
}

/** What a batch's handler may ask of the consumer while it works on the batch. */
export interface BatchControl {
  /**
   * The record at this offset is done with: the partition's next fetch starts after it. Records of a batch left
   * unresolved (the handler broke off) are fetched again.
   */
  resolveOffset(offset: string): void;
  /** Tells the group this member is alive; rejects when the group is rebalancing (leave the batch then). */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping. */
  isRunning(): boolean;
  /** True once the partition was taken away (a rebalance): what is left of the batch is someone else's. */
  isStale(): boolean;
}

/** What happens to a member, in the order it happens. */
export type GroupEvent =
  | { type: 'joined' }
  | { type: 'rebalancing' }
  | { type: 'crashed'; error: Error; restarting: boolean }
  | { type: 'stopped' };

/** Offsets to commit: for each partition, the next record to read. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/** One partition as a map key ("topic:partition"). */
export const partitionKey = (topic: string, partition: number): string => `${topic}:${partition}`;

/**
 * A member of a consumer group with manual commits. A partition the group has no offset for is read from its
 * beginning. Batches of different partitions may be handled at once (`partitionsAtOnce`); those of one partition
 * never: the next fetch of a partition waits for its batch's handler.
 */
export interface KafkaGroupConsumer {
  connect(): Promise<void>;
  subscribe(topics: string[]): Promise<void>;
  /** Joins the group and starts fetching: resolves once it has joined the first time (a failed join rejects). */
  run(options: { partitionsAtOnce: number; eachBatch: (batch: Batch, control: BatchControl) => Promise<void> }): Promise<void>;
  /** Fetches nothing more from these topics until the consumer stops. */
  pause(topics: string[]): void;
  commit(offsets: PartitionOffset[]): Promise<void>;
  /** Listens to the member's life; answers a function that stops listening. */
  on(listener: (event: GroupEvent) => void): () => void;
  disconnect(): Promise<void>;
}

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  configEntries?: { name: string; value: string }[];
}

/** A partition's first kept offset and its end (the next offset to be written). */
export interface PartitionEnds {
  partition: number;
  low: string;
  high: string;
}

/** A group's committed offset per partition of a topic ("-1": none committed). */
export interface GroupTopicOffsets {
  topic: string;
  partitions: { partition: number; offset: string }[];
}

export interface GroupDescription {
  groupId: string;
  state: string;
  members: number;
}

/** The admin operations of the tools, the lag sampler and the tests. */
export interface KafkaAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Creates the topics that do not exist yet (one that exists meanwhile is no error). */
  createTopics(specs: TopicSpec[]): Promise<void>;
  deleteTopics(topics: string[]): Promise<void>;
  /** Each topic's partitions and their leader (-1: none yet); throws while a topic is unknown to the broker. */
  partitionsOf(topics: string[]): Promise<{ topic: string; partitions: { partition: number; leader: number }[] }[]>;
  topicOffsets(topic: string): Promise<PartitionEnds[]>;
  /**
   * The group's committed offsets on these topics (every partition of each, "-1" where none is committed), or with
   * no topics given, on every topic it has committed on.
   */
  groupOffsets(groupId: string, topics?: string[]): Promise<GroupTopicOffsets[]>;
  listGroups(): Promise<string[]>;
  /** Each group's state as the broker names it (Stable, PreparingRebalance, Empty, Dead...) and its member count, in the order asked. */
  describeGroups(groupIds: string[]): Promise<GroupDescription[]>;
  deleteGroups(groupIds: string[]): Promise<void>;
  /**
   * Commits these offsets for a group that has no live member (a group being rebuilt, or made to start at the end):
   * resolves once they read back as committed.
   */
  setGroupOffsets(groupId: string, offsets: PartitionOffset[]): Promise<void>;
}

/** A Kafka client library, adapted to the port. */
export interface KafkaDriver {
  /** Its name, as KAFKA_CLIENT names it. */
  readonly name: string;
  producer(): KafkaProducer;
  consumer(options: GroupOptions): KafkaGroupConsumer;
  admin(): KafkaAdmin;
}

/** Where the brokers are and how to reach them: the same settings for every driver (KAFKA_* in .env.example). */
export interface KafkaConnection {
  clientId: string;
  brokers: string[];
  /** TLS to the brokers: the CA to trust (PEM) when it is not a public one, and a client certificate for mutual TLS. */
  ssl?: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

/** Makes a driver for a connection. */
export type DriverFactory = (connection: KafkaConnection) => KafkaDriver;
