import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { ALL_EVENTS, deadLetterTopic, decodeEvent, EventDefinition, EventEnvelope, EnvelopeHeaders, parseEnvelope, validateEnvelope } from '@homestore/events';
import { crashPoint } from '../crash-points';
import { ensureTopics } from '../kafka';
import { causedBy, newTraceId, rememberCause, runInContext, traceIdOf } from '../message-context';
import type { MessagingMetrics } from '../metrics';
import { OwnConnection } from './own-connection';
import { backoffMs, DatabaseUnavailableError, DEFAULT_RETRY_POLICY, isPermanent, RetryPolicy } from './retry-policy';
import { Together } from './together';

/** An application handler for one event type; runs inside the transaction that also records the inbox row. */
export interface EventHandlerRegistration {
  definition: EventDefinition;
  handle: (event: EventEnvelope<any>, em: EntityManager) => Promise<void>;
}

export interface EventConsumerOptions {
  kafka: Kafka;
  dataSource: DataSource;
  /** Writes dead letters. */
  producer: Producer;
  metrics: MessagingMetrics;
  group: string;
  handlers: EventHandlerRegistration[];
  retry?: RetryPolicy;
  /**
   * Partitions of one fetch handled at once (their runs share one transaction, see handleRuns). Default: every
   * partition of the group's topics, so that a fetch costs one transaction; fewer make a fetch over several topics
   * cost several transactions one after the other (with 6 for the order app's four topics of 6 partitions, the
   * myPage group's hop took p50 303 ms / p99 1.07 s at 100 orders/s; with all 24, p50 50 ms / p99 150 ms).
   */
  partitionsConsumedConcurrently?: number;
  /**
   * Offsets of handled messages are committed at most this often (default 1000 ms), all partitions of the group in one
   * request, and when the consumer stops. A commit per fetch cost the broker as many requests as every fetch did (a
   * third of all it served, each a write to __consumer_offsets) and each fetch a round trip; what a crash leaves
   * uncommitted comes again and the inbox absorbs it.
   */
  commitIntervalMs?: number;
  /** At most this many messages of a partition are handled in one database transaction (1: one per message). */
  maxBatchSize?: number;
  /** Handles a run's new events together instead of one handler call each (see @OnEventRun). */
  runHandler?: RunHandler;
  sessionTimeoutMs?: number;
  /**
   * A fetch waits on the broker until it has this many bytes for the group (default 1: the first message), or
   * fetchMaxWaitMs passed (default 500): a quiet group costs two fetches a second and hands a lone message on at
   * once. (Waiting for 64 KiB or 50 ms instead cost the shop 0.34–0.46 cores doing nothing.)
   */
  fetchMinBytes?: number;
  fetchMaxWaitMs?: number;
  /**
   * After a fetch that brought messages and left none behind, the group waits this long (default 20) before its next
   * fetch, so that what arrives meanwhile comes as one run (one transaction, one offset commit) instead of a run each.
   * A quiet group still long-polls (fetchMaxWaitMs) and hands a lone message on at once; a lagging group never waits.
   * Without it, under a steady load every group fetched, committed a transaction and an offset for nearly every
   * event: the shop at 25 orders/s used 1.73 cores instead of 1.48, and sustained ~125 orders/s instead of ~145.
   */
  fetchLingerMs?: number;
  /** How long inbox rows are kept: longer than any redelivery can come late. */
  inboxRetentionMs?: number;
  /**
   * Every event of the contract (default: libs/events'). A message whose eventType header names one of them on this
   * group's topics that the group does not handle is skipped without reading its value.
   */
  contract?: readonly EventDefinition[];
}

export type ConsumerState = 'idle' | 'starting' | 'joined' | 'rebalancing' | 'restarting' | 'crashed' | 'stopped';

/**
 * Handles a run's new events in the run's transaction; `handleOne` hands an event to its own @OnEvent handler, for
 * a run handler that only needs to prepare the run (take its locks in one order, say) and then handle them as usual.
 */
export type RunHandler = (events: EventEnvelope<any>[], em: EntityManager, handleOne: (event: EventEnvelope<any>) => Promise<void>) => Promise<void>;

/** A message taken off Kafka and decoded; no handler means its event type is not this group's (skipped). */
interface Decoded {
  message: KafkaMessage;
  labels: { topic: string; event_type: string; group: string };
  handler?: EventHandlerRegistration;
  event?: EventEnvelope;
}

/** A decoded message that this group handles. */
type DecodedEvent = Decoded & Required<Pick<Decoded, 'event' | 'handler'>>;

/** A run committed (true), or failed as a whole, naming the message whose handler threw if one did. */
type RunOutcome = true | { culprit?: KafkaMessage; error?: unknown };

/** An offset to commit: the next message to read of a partition. */
interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: string;
}

/** Which message's handler threw, when a transaction of several fails. */
interface HandlerFailure {
  message?: KafkaMessage;
  error?: unknown;
}

/** Headers added to a dead letter; the original key, value and headers are kept as they were. */
export const DeadLetterHeaders = {
  reason: 'dlq-reason',
  errorCode: 'dlq-error-code',
  attempts: 'dlq-attempts',
  topic: 'dlq-original-topic',
  partition: 'dlq-original-partition',
  offset: 'dlq-original-offset',
  group: 'dlq-group',
  failedAt: 'dlq-failed-at',
} as const;

/**
 * One consumer group of one service. Each message is handled in a database transaction that also writes the
 * inbox row (consumer group, eventId), so a redelivered event has no second effect; its offset is committed
 * only after that transaction (or its dead letter) is durable. Retries wait in place, keeping partition order.
 */
export class EventConsumer {
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  private readonly handlers: Map<string, EventHandlerRegistration>;
  /** The contract's events on this group's topics that it does not handle. */
  private readonly othersOnTopics: Set<string>;
  private readonly retry: RetryPolicy;
  private readonly commitIntervalMs: number;
  private readonly maxBatchSize: number;
  private readonly fetchLingerMs: number;
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();
  private purgeTimer?: NodeJS.Timeout;
  /** The runs of every partition handled at once share one transaction (see handleRuns)... */
  private readonly runs = new Together<Decoded[], RunOutcome>((runs) => this.handleRuns(runs));
  /** Handled, not yet committed: the next offset to read of each partition ("topic:partition"). */
  private uncommitted = new Map<string, OffsetToCommit>();
  private lastCommitAt = 0;
  private commitTimer?: NodeJS.Timeout;
  /** Commits one after the other (a timer's and a batch's never overlap). */
  private committing: Promise<void> = Promise.resolve();
  /** Every transaction of the group, one after the other, on a connection of its own. */
  private readonly connection: OwnConnection;
  state: ConsumerState = 'idle';
  lastCrash?: string;

  constructor(private readonly options: EventConsumerOptions) {
    this.logger = new Logger(`EventConsumer:${options.group}`);
    this.handlers = new Map(options.handlers.map((h) => [h.definition.type, h]));
    if (this.handlers.size !== options.handlers.length) throw new Error(`${options.group}: two handlers for one event type`);
    this.othersOnTopics = new Set((options.contract ?? ALL_EVENTS).filter((d) => this.topics.includes(d.topic) && !this.handlers.has(d.type)).map((d) => d.type));
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.commitIntervalMs = options.commitIntervalMs ?? 1000;
    this.maxBatchSize = options.maxBatchSize ?? 50;
    this.fetchLingerMs = options.fetchLingerMs ?? 20;
    this.connection = new OwnConnection(options.dataSource);
    this.consumer = options.kafka.consumer({
      groupId: options.group,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      // kafkajs heartbeats only between fetches: short waits keep rebalances and shutdown under a second.
      heartbeatInterval: 1000,
      allowAutoTopicCreation: false,
      minBytes: options.fetchMinBytes ?? 1,
      maxWaitTimeInMs: options.fetchMaxWaitMs ?? 500,
    });
    const { GROUP_JOIN, REBALANCING, CRASH, STOP, DISCONNECT } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, () => {
      this.state = 'joined';
      // Partitions may have moved: what was handled and not committed is redelivered to their owners, who skip it.
      this.uncommitted.clear();
    });
    this.consumer.on(REBALANCING, () => (this.state = 'rebalancing'));
    this.consumer.on(CRASH, ({ payload }) => {
      this.lastCrash = payload.error?.message;
      this.state = payload.restart ? 'restarting' : 'crashed';
      this.logger.error(`consumer crashed (${payload.restart ? 'restarting' : 'not restarting'}): ${payload.error?.message}`);
    });
    this.consumer.on(STOP, () => (this.state = 'stopped'));
    this.consumer.on(DISCONNECT, () => (this.state = 'stopped'));
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
    this.state = 'starting';
    const partitions = await this.createDeadLetterTopics();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? partitions,
      eachBatch: (payload) => this.track(this.eachBatch(payload)),
    });
    const retention = this.options.inboxRetentionMs ?? 7 * 24 * 3600_000;
    this.purgeTimer = setInterval(() => void this.purgeInbox(retention), Math.min(retention, 10 * 60_000));
  }

  /** Stops fetching, lets in-flight handlers finish, commits what they finished, and leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.purgeTimer);
    if (this.state !== 'idle' && this.state !== 'stopped') this.consumer.pause(this.topics.map((topic) => ({ topic })));
    // kafkajs drops offset commits once its own stop() has begun, so batches must finish (and commit) before it.
    await Promise.all(this.inFlight);
    clearTimeout(this.commitTimer);
    await this.commit();
    await this.connection.release();
    await this.consumer.disconnect();
    this.state = 'stopped';
  }

  private track(batch: Promise<void>): Promise<void> {
    this.inFlight.add(batch);
    return batch.finally(() => this.inFlight.delete(batch));
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    let last: string | undefined;
    const done = (offset: string) => {
      resolveOffset(offset);
      last = offset;
      this.uncommitted.set(`${topic}:${partition}`, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
    };
    const messages = batch.messages;
    for (let i = 0; i < messages.length; ) {
      if (!isRunning() || isStale() || this.stopping) break;
      const run = this.decodeRun(topic, messages, i);
      const outcome = run.length ? await this.runs.submit(run) : {};
      if (outcome === true) {
        for (const m of run) done(m.message.offset);
        i += run.length;
      } else {
        // The run failed as a whole, or its first message cannot be decoded: those messages one by one, with
        // retries and dead letters (the run was the first attempt of the one that failed), then runs again.
        const end = i + Math.max(1, run.length);
        let abandoned = false;
        for (; i < end; i++) {
          const failed = messages[i] === outcome.culprit ? outcome.error : undefined;
          if (!(await this.process(topic, partition, messages[i], heartbeat, failed))) {
            abandoned = true;
            break;
          }
          done(messages[i].offset);
        }
        if (abandoned) break;
      }
      if (!(await this.heartbeat(heartbeat))) break;
    }
    this.commitSoon();
    if (last === undefined) return;
    const lag = Math.max(0, Number(batch.highWatermark) - Number(last) - 1);
    this.options.metrics.consumerLag.set({ topic, partition: String(partition), group: this.group }, lag);
    if (lag === 0 && this.fetchLingerMs > 0 && !this.stopping) await new Promise((resolve) => setTimeout(resolve, this.fetchLingerMs));
  }

  /** Commits what is handled once commitIntervalMs has passed since the last commit (at once if it has). */
  private commitSoon(): void {
    if (!this.uncommitted.size || this.commitTimer || this.stopping) return;
    const wait = Math.max(0, this.lastCommitAt + this.commitIntervalMs - Date.now());
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      void this.commit();
    }, wait);
  }

  /**
   * One request for the offsets of every partition handled since the last commit. A failed commit (typically a
   * partition lost in a rebalance) is not retried: the partition's next owner gets those messages again and its inbox
   * skips them.
   */
  private commit(): Promise<void> {
    this.committing = this.committing.then(async () => {
      if (!this.uncommitted.size) return;
      const offsets = [...this.uncommitted.values()];
      this.uncommitted = new Map();
      this.lastCommitAt = Date.now();
      try {
        await this.consumer.commitOffsets(offsets);
      } catch (e) {
        this.logger.warn(`offset commit for ${offsets.map((o) => `${o.topic}[${o.partition}]`).join(', ')} failed: ${(e as Error).message}`);
      }
    });
    return this.committing;
  }

  /**
   * The decodable messages from `from` on (at most maxBatchSize), stopping before the first that is not: those are
   * handled together in one transaction. Empty when the message at `from` cannot be decoded.
   */
  private decodeRun(topic: string, messages: KafkaMessage[], from: number): Decoded[] {
    const run: Decoded[] = [];
    for (let i = from; i < messages.length && run.length < this.maxBatchSize; i++) {
      try {
        run.push(this.decode(topic, messages[i]));
      } catch {
        break;
      }
    }
    return run;
  }

  /**
   * A message as this group sees it: its handler and checked event, or no handler when its type is not this group's
   * (skipped, its schema unchecked: the groups that handle it check it). Throws EventDecodeError when it can never be
   * handled (the message belongs in the dead-letter topic).
   */
  private decode(topic: string, message: KafkaMessage): Decoded {
    // The eventType header names another event of the contract on these topics: skipped without reading the value
    // (most of what the payment and message groups read from the store topic, say).
    const announced = header(message.headers, EnvelopeHeaders.eventType);
    if (announced !== undefined && this.othersOnTopics.has(announced)) return { message, labels: { topic, event_type: announced, group: this.group } };
    const json = parseEnvelope(message.value);
    const type = typeof json.eventType === 'string' ? json.eventType : undefined;
    const handler = type === undefined ? undefined : this.handlers.get(type);
    const labels = { topic, event_type: type ?? 'unknown', group: this.group };
    if (type !== undefined && !handler) return { message, labels };
    const envelope = validateEnvelope(json);
    return { message, labels, handler, event: decodeEvent(handler!.definition, envelope) };
  }

  /**
   * The runs submitted at once (one per partition of a fetch, typically) in one transaction. If it fails, each run
   * again on its own, so that only the run holding the failing message goes message by message.
   */
  private async handleRuns(runs: Decoded[][]): Promise<RunOutcome[]> {
    if (runs.length > 1 && (await this.handleRun(runs.flat())) === true) return runs.map(() => true);
    const outcomes: RunOutcome[] = [];
    for (const run of runs) outcomes.push(await this.handleRun(run));
    return outcomes;
  }

  /**
   * Handles a run of messages in one transaction (handleTogether). True once committed; otherwise nothing of it stays,
   * and the answer names the message whose handler failed, if one did.
   */
  private async handleRun(run: Decoded[]): Promise<RunOutcome> {
    const events = run.filter((d): d is DecodedEvent => !!d.event && !!d.handler);
    const started = process.hrtime.bigint();
    const failure: HandlerFailure = {};
    let handled = new Set<Decoded>();
    try {
      if (events.length) handled = await this.handleTogether(events, failure);
    } catch (e) {
      if (run.length > 1) this.logger.debug(`a run of ${run.length} messages failed: ${(e as Error).message}`);
      // When the database went away, no message of the run is to blame.
      return e instanceof DatabaseUnavailableError ? { culprit: undefined, error: e } : { culprit: failure.message, error: failure.error };
    }
    crashPoint('consumer:after-commit-before-offset');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const d of run) {
      if (d.handler) this.options.metrics.handlerSeconds.observe(d.labels, seconds);
      this.options.metrics.consumed.inc({ ...d.labels, outcome: !d.handler ? 'skipped' : handled.has(d) ? 'handled' : 'duplicate' });
    }
    return true;
  }

  /**
   * One transaction for these events: one inbox insert claims them, then each new one goes to its handler in the
   * event's context, key by key (events of one key keep their order; a consistent key order keeps concurrent runs
   * from deadlocking on per-key locks), or all of them to the group's run handler. Resolves with the new ones once
   * committed; when it fails nothing of it stays, and `failure` names the message whose handler threw, if one did.
   */
  private handleTogether(events: DecodedEvent[], failure: HandlerFailure): Promise<Set<Decoded>> {
    return this.connection.transaction(async (em) => {
      const rows: { event_id: string }[] = await em.query(
        `INSERT INTO inbox (consumer_group, event_id, event_type)
         SELECT $1, * FROM unnest($2::uuid[], $3::text[]) ON CONFLICT DO NOTHING RETURNING event_id`,
        [this.group, events.map((d) => d.event.eventId), events.map((d) => d.event.eventType)],
      );
      // Claimed now, and only once: a message repeated within the run is a duplicate like any other.
      const unclaimed = new Set(rows.map((r) => r.event_id.toLowerCase()));
      const claimed = [...events].sort((a, b) => compareKeys(a.message.key, b.message.key)).filter((d) => unclaimed.delete(d.event.eventId.toLowerCase()));
      const handleOne = async (d: DecodedEvent) => {
        try {
          await runInContext(causedBy(d.event), () => d.handler.handle(d.event, em));
        } catch (error) {
          Object.assign(failure, { message: d.message, error });
          throw error;
        }
      };
      // What each event causes carries its correlation and trace, also when a run handler raises it (causedBy).
      for (const d of claimed) rememberCause(d.event, contextOf(d.event, d.message));
      const { runHandler } = this.options;
      if (runHandler && claimed.length > 1) {
        const byEvent = new Map(claimed.map((d) => [d.event, d]));
        await runHandler([...byEvent.keys()], em, (event) => {
          const d = byEvent.get(event);
          if (!d) throw new Error(`${event.eventType} ${event.eventId} is not an event of this run`);
          return handleOne(d);
        });
      } else {
        for (const d of claimed) await handleOne(d);
      }
      return new Set<Decoded>(claimed);
    });
  }

  /**
   * Handles one message to the end: handled, duplicate, skipped or dead-lettered (true), or abandoned on stop (false).
   * `failedAttempt` is the error of a first attempt already made (in a run), so it counts as attempt 1.
   */
  private async process(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>, failedAttempt?: unknown): Promise<boolean> {
    const { metrics } = this.options;
    let found: Decoded;
    try {
      found = this.decode(topic, message);
    } catch (e) {
      const labels = { topic, event_type: header(message.headers, EnvelopeHeaders.eventType) ?? 'unknown', group: this.group };
      return this.deadLetter(topic, partition, message, e, 1, labels, heartbeat);
    }
    if (!found.handler || !found.event) {
      metrics.consumed.inc({ ...found.labels, outcome: 'skipped' });
      return true;
    }
    const decoded = found as DecodedEvent;
    const { labels, event } = decoded;
    const timer = metrics.handlerSeconds.startTimer(labels);
    let pending = failedAttempt;
    for (let attempt = 1, outage = 0; ; ) {
      try {
        if (pending !== undefined) throw pending;
        const outcome = (await this.handleTogether([decoded], {})).size ? 'handled' : 'duplicate';
        crashPoint('consumer:after-commit-before-offset');
        timer();
        metrics.consumed.inc({ ...labels, outcome });
        return true;
      } catch (e) {
        pending = undefined;
        // The database going away is not this message's fault: it waits, however long, without using up its attempts.
        const unavailable = e instanceof DatabaseUnavailableError;
        if (!unavailable && (isPermanent(e) || attempt >= this.retry.maxAttempts)) {
          timer();
          return this.deadLetter(topic, partition, message, e, attempt, labels, heartbeat);
        }
        metrics.retried.inc(labels);
        outage = unavailable ? outage + 1 : 0;
        const wait = backoffMs(this.retry, unavailable ? outage : attempt);
        const why = unavailable ? 'waits for the database' : `failed (attempt ${attempt++})`;
        this.logger.warn(`${labels.event_type} ${event.eventId} ${why}, retrying in ${wait} ms: ${(e as Error).message}`);
        if (!(await this.pause(wait, heartbeat))) return false;
      }
    }
  }

  /** Writes the message, untouched, to the group's dead-letter topic with why it failed; keeps trying until it is written. */
  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    error: unknown,
    attempts: number,
    labels: { topic: string; event_type: string; group: string },
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const err = error as Error & { code?: string };
    const headers: IHeaders = {
      ...message.headers,
      [DeadLetterHeaders.reason]: (err?.message ?? String(error)).slice(0, 2000),
      [DeadLetterHeaders.errorCode]: String(err?.code ?? err?.name ?? 'Error'),
      [DeadLetterHeaders.attempts]: String(attempts),
      [DeadLetterHeaders.topic]: topic,
      [DeadLetterHeaders.partition]: String(partition),
      [DeadLetterHeaders.offset]: message.offset,
      [DeadLetterHeaders.group]: this.group,
      [DeadLetterHeaders.failedAt]: new Date().toISOString(),
    };
    const dlq = deadLetterTopic(topic, this.group);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.producer.send({ topic: dlq, acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
        this.logger.warn(`dead-lettered ${labels.event_type} from ${topic}[${partition}]@${message.offset} to ${dlq}: ${headers[DeadLetterHeaders.reason]}`);
        this.options.metrics.deadLettered.inc({ ...labels, reason: String(headers[DeadLetterHeaders.errorCode]) });
        this.options.metrics.consumed.inc({ ...labels, outcome: 'dead_lettered' });
        return true;
      } catch (e) {
        this.logger.error(`cannot write dead letter to ${dlq} (offset not committed): ${(e as Error).message}`);
        if (!(await this.pause(backoffMs(this.retry, attempt), heartbeat))) return false;
      }
    }
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
    const admin = this.options.kafka.admin();
    await admin.connect();
    let topics: { name: string; partitions: unknown[] }[];
    try {
      ({ topics } = await admin.fetchTopicMetadata({ topics: this.topics }));
    } finally {
      await admin.disconnect();
    }
    await ensureTopics(
      this.options.kafka,
      topics.map((t) => ({ topic: deadLetterTopic(t.name, this.group), numPartitions: t.partitions.length })),
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

/** Orders message keys (bytes) so that every run takes per-key locks in the same order; equal keys stay in place. */
function compareKeys(a: Buffer | null, b: Buffer | null): number {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  return Buffer.compare(a, b);
}

/** What the handler's own events will carry: the same correlation, this event as their cause, its trace. */
function contextOf(event: EventEnvelope, message: KafkaMessage) {
  return { correlationId: event.correlationId, causationId: event.eventId, traceId: traceIdOf(header(message.headers, EnvelopeHeaders.traceparent)) ?? newTraceId() };
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
