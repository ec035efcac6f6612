import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ALL_EVENTS, deadLetterTopic, EventDefinition } from '@homestore/events';
import type { Batch, BatchControl, KafkaDriver, KafkaGroupConsumer, KafkaProducer } from '../driver/port';
import { ensureTopics } from '../topics';
import type { MessagingMetrics } from '../metrics';
import { DeadLetters } from './dead-letters';
import type { EventHandlerRegistration } from './event-context';
import { OffsetCommitter } from './offset-committer';
import { OwnConnection } from './own-connection';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from './retry-policy';
import { RunOutcome, RunTransaction } from './run-transaction';
import { Decoder } from './steps/decode';
import { Pause, RetryOrDeadLetter } from './steps/retry';
import type { Decoded } from './steps/step';
import { Together } from './together';

export interface EventConsumerOptions {
  driver: KafkaDriver;
  dataSource: DataSource;
  /** Writes dead letters. */
  producer: KafkaProducer;
  metrics: MessagingMetrics;
  group: string;
  handlers: EventHandlerRegistration[];
  retry?: RetryPolicy;
  /**
   * Partitions of one fetch handled at once (their runs share one transaction). Default: every partition of the
   * group's topics, so that a fetch costs one transaction; fewer make a fetch over several topics cost several
   * transactions one after the other (with 6 for the order app's four topics of 6 partitions, the myPage group's hop
   * took p50 303 ms / p99 1.07 s at 100 orders/s; with all 24, p50 50 ms / p99 150 ms).
   */
  partitionsConsumedConcurrently?: number;
  /** Offsets of handled records are committed at most this often (default 1000 ms); see OffsetCommitter. */
  commitIntervalMs?: number;
  /** At most this many records of a partition are handled in one database transaction (1: one per record). */
  maxBatchSize?: number;
  /** The process's static membership id in the group (ServiceConfig.CONSUMER_INSTANCE_ID): see GroupOptions.instanceId. */
  instanceId?: string;
  /** How long a silent member keeps its partitions (default 6000): see ServiceConfig.CONSUMER_SESSION_TIMEOUT_MS. */
  sessionTimeoutMs?: number;
  /** How long a rebalance waits for the members to rejoin (default 10000). */
  rebalanceTimeoutMs?: number;
  /**
   * A fetch waits on the broker until it has this many bytes for the group (default 1: the first record), or
   * fetchMaxWaitMs passed (default 500): a quiet group costs two fetches a second and hands a lone record on at
   * once. (Waiting for 64 KiB or 50 ms instead cost the shop 0.34–0.46 cores doing nothing.)
   */
  fetchMinBytes?: number;
  fetchMaxWaitMs?: number;
  /**
   * After a fetch that brought records and left none behind, the group waits this long (default 20) before its next
   * fetch, so that what arrives meanwhile comes as one run (one transaction, one offset commit) instead of a run each.
   * A quiet group still long-polls (fetchMaxWaitMs) and hands a lone record on at once; a lagging group never waits.
   * Without it, under a steady load every group fetched, committed a transaction and an offset for nearly every
   * event: the shop at 25 orders/s used 1.73 cores instead of 1.48, and sustained ~125 orders/s instead of ~145.
   */
  fetchLingerMs?: number;
  /** How long inbox rows are kept: longer than any redelivery can come late. */
  inboxRetentionMs?: number;
  /**
   * Every event of the contract (default: libs/events'). A record whose eventType header names one of them on this
   * group's topics that the group does not handle is skipped without reading its value.
   */
  contract?: readonly EventDefinition[];
}

export type ConsumerState = 'idle' | 'starting' | 'joined' | 'rebalancing' | 'restarting' | 'crashed' | 'stopped';

/**
 * One consumer group of one service: the fetch loop. Each fetch's records are decoded and handled in runs, the runs
 * of every partition of the fetch in one database transaction (RunTransaction: inbox, correlation, handlers, unit of
 * work), so a redelivered event has no second effect; a record's offset is committed only after its transaction (or
 * its dead letter) is durable. A run that fails goes record by record (RetryOrDeadLetter), retrying in place, which
 * keeps partition order.
 */
export class EventConsumer {
  private readonly logger: Logger;
  private readonly consumer: KafkaGroupConsumer;
  private readonly decoder: Decoder;
  private readonly transactions: RunTransaction;
  private readonly retries: RetryOrDeadLetter;
  private readonly offsets: OffsetCommitter;
  private readonly maxBatchSize: number;
  private readonly fetchLingerMs: number;
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();
  private purgeTimer?: NodeJS.Timeout;
  /** The runs of every partition handled at once share one transaction (see handleRuns). */
  private readonly runs = new Together<Decoded[], RunOutcome>((runs) => this.handleRuns(runs));
  /** Every transaction of the group, one after the other, on a connection of its own. */
  private readonly connection: OwnConnection;
  state: ConsumerState = 'idle';
  lastCrash?: string;

  constructor(private readonly options: EventConsumerOptions) {
    const { group, metrics } = options;
    this.logger = new Logger(`EventConsumer:${group}`);
    this.decoder = new Decoder(group, options.handlers, options.contract ?? ALL_EVENTS);
    this.connection = new OwnConnection(options.dataSource);
    this.transactions = new RunTransaction(group, this.connection, metrics);
    this.retries = new RetryOrDeadLetter(group, this.decoder, options.retry ?? DEFAULT_RETRY_POLICY, new DeadLetters(group, options.producer, metrics), metrics);
    this.maxBatchSize = options.maxBatchSize ?? 50;
    this.fetchLingerMs = options.fetchLingerMs ?? 20;
    this.consumer = options.driver.consumer({
      groupId: group,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 6000,
      rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 10_000,
      // kafkajs heartbeats only between fetches: short waits keep rebalances and shutdown under a second.
      heartbeatIntervalMs: 1000,
      minBytes: options.fetchMinBytes ?? 1,
      maxWaitMs: options.fetchMaxWaitMs ?? 500,
      instanceId: options.instanceId,
    });
    this.offsets = new OffsetCommitter(group, this.consumer, options.commitIntervalMs ?? 1000);
    this.consumer.on((event) => {
      switch (event.type) {
        case 'joined':
          this.state = 'joined';
          this.offsets.forget();
          break;
        case 'rebalancing':
          this.state = 'rebalancing';
          break;
        case 'crashed':
          this.lastCrash = event.error?.message;
          this.state = event.restarting ? 'restarting' : 'crashed';
          this.logger.error(`consumer crashed (${event.restarting ? 'restarting' : 'not restarting'}): ${event.error?.message}`);
          break;
        case 'stopped':
          this.state = 'stopped';
      }
    });
  }

  get group(): string {
    return this.options.group;
  }

  /** The source topics, derived from the handled event types. */
  get topics(): string[] {
    return [...new Set(this.options.handlers.map((h) => h.definition.topic))];
  }

  /** Ready while it is a member of its group (a rebalance in progress counts). */
  get ready(): boolean {
    return this.state === 'joined' || this.state === 'rebalancing';
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.offsets.restart();
    this.state = 'starting';
    const partitions = await this.createDeadLetterTopics();
    await this.consumer.connect();
    await this.consumer.subscribe(this.topics);
    await this.consumer.run({
      partitionsAtOnce: this.options.partitionsConsumedConcurrently ?? partitions,
      eachBatch: (batch, control) => this.track(this.eachBatch(batch, control)),
    });
    const retention = this.options.inboxRetentionMs ?? 7 * 24 * 3600_000;
    this.purgeTimer = setInterval(() => void this.purgeInbox(retention), Math.min(retention, 10 * 60_000));
  }

  /** Stops fetching, lets in-flight handlers finish, commits what they finished, and leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.purgeTimer);
    if (this.state !== 'idle' && this.state !== 'stopped') this.consumer.pause(this.topics);
    // kafkajs drops offset commits once its own stop() has begun, so batches must finish (and commit) before it.
    await Promise.all(this.inFlight);
    await this.offsets.stop();
    await this.connection.release();
    await this.consumer.disconnect();
    this.state = 'stopped';
  }

  private track(batch: Promise<void>): Promise<void> {
    this.inFlight.add(batch);
    return batch.finally(() => this.inFlight.delete(batch));
  }

  private async eachBatch(batch: Batch, { resolveOffset, heartbeat, isRunning, isStale }: BatchControl): Promise<void> {
    const { topic, partition, messages } = batch;
    let last: string | undefined;
    const done = (offset: string) => {
      resolveOffset(offset);
      last = offset;
      this.offsets.handled(topic, partition, offset);
    };
    const pause: Pause = (ms) => this.pause(ms, heartbeat);
    for (let i = 0; i < messages.length; ) {
      if (!isRunning() || isStale() || this.stopping) break;
      const run = this.decoder.decodeRun(topic, partition, messages, i, this.maxBatchSize);
      const outcome = run.length ? await this.runs.submit(run) : {};
      if (outcome === true) {
        for (const d of run) done(d.message.offset);
        i += run.length;
      } else {
        // The run failed as a whole, or its first record cannot be decoded: those records one by one, with
        // retries and dead letters (the run was the first attempt of the one that failed), then runs again.
        const end = i + Math.max(1, run.length);
        let abandoned = false;
        for (; i < end; i++) {
          const failed = messages[i] === outcome.culprit ? outcome.error : undefined;
          if (!(await this.retries.handle(topic, partition, messages[i], (d) => this.transactions.one(d), pause, failed))) {
            abandoned = true;
            break;
          }
          done(messages[i].offset);
        }
        if (abandoned) break;
      }
      if (!(await this.heartbeat(heartbeat))) break;
    }
    this.offsets.soon();
    if (last === undefined) return;
    // Caught up as of this fetch: linger (see fetchLingerMs). The lag metric is the ConsumerLagSampler's, from the broker.
    const caughtUp = Number(batch.highWatermark) - Number(last) - 1 <= 0;
    if (caughtUp && this.fetchLingerMs > 0 && !this.stopping) await new Promise((resolve) => setTimeout(resolve, this.fetchLingerMs));
  }

  /**
   * The runs submitted at once (one per partition of a fetch, typically) in one transaction. If it fails, each run
   * again on its own, so that only the run holding the failing record goes record by record.
   */
  private async handleRuns(runs: Decoded[][]): Promise<RunOutcome[]> {
    if (runs.length > 1 && (await this.transactions.run(runs.flat())) === true) return runs.map(() => true);
    const outcomes: RunOutcome[] = [];
    for (const run of runs) outcomes.push(await this.transactions.run(run));
    return outcomes;
  }

  /** Waits while keeping the group membership alive; false when the consumer is stopping meanwhile. */
  private async pause(ms: number, heartbeat: () => Promise<void>): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (this.stopping) return false;
      await new Promise((r) => setTimeout(r, Math.min(500, until - Date.now())));
      if (!(await this.heartbeat(heartbeat))) return false;
    }
    return !this.stopping;
  }

  /** False when the group is rebalancing or the consumer stopping: finish what is done and leave the batch. */
  private async heartbeat(heartbeat: () => Promise<void>): Promise<boolean> {
    try {
      await heartbeat();
      return true;
    } catch (e) {
      this.logger.debug(`heartbeat refused (${(e as Error).message}); leaving the batch`);
      return false;
    }
  }

  /** Creates a dead-letter topic for each source topic (as many partitions); answers how many partitions the sources have in all. */
  private async createDeadLetterTopics(): Promise<number> {
    const admin = this.options.driver.admin();
    await admin.connect();
    let topics: { topic: string; partitions: unknown[] }[];
    try {
      topics = await admin.partitionsOf(this.topics);
    } finally {
      await admin.disconnect();
    }
    await ensureTopics(
      this.options.driver,
      topics.map((t) => ({ topic: deadLetterTopic(t.topic, this.group), numPartitions: t.partitions.length })),
    );
    return topics.reduce((sum, t) => sum + t.partitions.length, 0);
  }

  private async purgeInbox(retentionMs: number): Promise<void> {
    try {
      await this.options.dataSource.query(
        `DELETE FROM inbox WHERE consumer_group = $1 AND handled_at < now() - make_interval(secs => $2)`,
        [this.group, retentionMs / 1000],
      );
    } catch (e) {
      this.logger.warn(`inbox purge failed: ${(e as Error).message}`);
    }
  }
}
