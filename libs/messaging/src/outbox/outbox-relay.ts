import { Logger } from '@nestjs/common';
import type { KafkaProducer, ProducedMessage, TopicMessages } from '../driver/port';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { EnvelopeHeaders } from '@homestore/events';
import { poolOf } from '@homestore/persistence';
import { endSpan, Span, SpanKind, spanContextFrom, startSpan, traceparentOf, tracingEnabled } from '@homestore/platform';
import { crashPoint } from '../crash-points';
import type { MessagingMetrics } from '../metrics';
import { OUTBOX_CHANNEL } from '../migrations';

export interface OutboxRelayOptions {
  /** Rows published per Kafka request. */
  batchSize: number;
  /** Fallback poll, for a lost NOTIFY, a broker that was down, or a follower waiting to lead. */
  pollIntervalMs: number;
}

export const DEFAULT_RELAY_OPTIONS: OutboxRelayOptions = { batchSize: 1000, pollIntervalMs: 500 };

/** Session advisory lock held by the one relay that publishes, whatever the number of app instances. */
const RELAY_LOCK = 0x0b0c_0001;

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  event_type: string;
}

/**
 * Publishes committed outbox rows to Kafka in id order (commit order per key, see Outbox) and deletes them
 * once Kafka acknowledged them (acks=all, idempotent producer). A crash in between publishes them again,
 * which consumers' inboxes absorb. Woken by NOTIFY on commit, with a poll as fallback.
 *
 * Of several instances, only the holder of a session advisory lock publishes; its lock, LISTEN and queries
 * share one connection, so if that connection dies the lock is gone and another instance takes over.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private connection?: PoolClient;
  /** Gives the relay's connection back to the pool, once (see lead). */
  private releaseConnection?: (error?: Error) => void;
  private leading = false;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  /**
   * Ids of rows Kafka acknowledged and not yet deleted: while more is coming, the next batch's SELECT deletes them in
   * the same statement (one round trip a batch instead of two); the relay deletes them before it goes idle.
   */
  private published: string[] = [];
  private stopped = true;
  private lastError?: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: KafkaProducer,
    private readonly metrics: MessagingMetrics,
    private readonly options: OutboxRelayOptions = DEFAULT_RELAY_OPTIONS,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    this.metrics.outboxStats = () => this.stats();
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.wake();
  }

  /** Stops waking up, lets the batch in flight finish, and gives up leadership. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    const connection = this.connection;
    const release = this.releaseConnection;
    this.connection = undefined;
    this.releaseConnection = undefined;
    if (!connection || !release) return;
    try {
      // The connection goes back to the pool, so the session's lock and LISTEN must not go with it.
      if (this.leading) await connection.query(`SELECT pg_advisory_unlock($1)`, [RELAY_LOCK]);
      await connection.query(`UNLISTEN ${OUTBOX_CHANNEL}`);
      release();
    } catch (e) {
      release(e as Error);
    }
    this.leading = false;
  }

  /** Publishes now (or right after the batch in flight). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => (this.running = undefined));
  }

  /** Publishes what is committed now; resolves when the outbox is empty (or at once while another instance leads). */
  async flush(): Promise<void> {
    this.wake();
    while (this.running) await this.running;
  }

  /** The one publishing loop: never runs twice at once (see wake). */
  private async drain(): Promise<void> {
    try {
      let connection: PoolClient | undefined;
      do {
        this.again = false;
        connection = await this.lead();
        // Another instance leads: this one has just reached the database and is ready to take over. What failed
        // before (say, while the database restarted) is no longer true.
        if (!connection) {
          this.lastError = undefined;
          return;
        }
        while ((await this.publishBatch(connection)) === this.options.batchSize && !this.stopped);
      } while (this.again && !this.stopped);
      if (this.published.length) {
        await connection.query(`DELETE FROM outbox WHERE id = ANY($1::bigint[])`, [this.published]);
        this.published = [];
      }
      this.lastError = undefined;
    } catch (e) {
      this.lastError = (e as Error).message;
      this.logger.warn(`outbox publish failed, retrying on the next poll: ${this.lastError}`);
    }
  }

  /** Rows waiting to be published and the age of the oldest, for metrics and the benchmark. */
  async stats(): Promise<{ backlog: number; oldestAgeSeconds: number }> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS backlog, COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)), 0)::float AS age
       FROM outbox WHERE id <> ALL($1::bigint[])`,
      [this.published],
    );
    return { backlog: row.backlog, oldestAgeSeconds: row.age };
  }

  /** Why the last publish failed, until one succeeds. */
  get error(): string | undefined {
    return this.lastError;
  }

  /** The relay's own connection, once it holds the lock; undefined while another instance leads. */
  private async lead(): Promise<PoolClient | undefined> {
    if (!this.connection) {
      const connection = await poolOf(this.dataSource).connect();
      const onNotification = () => this.wake();
      const onError = (e: Error) => {
        this.logger.warn(`outbox relay connection lost (${e.message}); reconnecting on the next poll`);
        if (this.connection === connection) {
          this.connection = undefined;
          this.leading = false;
        }
        release(e);
      };
      // Back in the pool the connection is someone else's: our listeners go with the first release, and there is one.
      let released = false;
      const release = (error?: Error) => {
        if (released) return;
        released = true;
        connection.off('notification', onNotification);
        connection.off('error', onError);
        connection.release(error);
      };
      connection.on('notification', onNotification);
      connection.on('error', onError);
      try {
        await connection.query(`LISTEN ${OUTBOX_CHANNEL}`);
      } catch (e) {
        release(e as Error);
        throw e;
      }
      this.connection = connection;
      this.releaseConnection = release;
    }
    if (!this.leading) {
      const { rows } = await this.connection.query(`SELECT pg_try_advisory_lock($1) AS locked`, [RELAY_LOCK]);
      this.leading = rows[0].locked;
      if (this.leading) this.logger.log('this instance now publishes the outbox');
    }
    return this.leading ? this.connection : undefined;
  }

  /** Deletes what the last batch published, reads the next batch and publishes it; its rows are deleted later. */
  private async publishBatch(connection: PoolClient): Promise<number> {
    const { rows } = await connection.query<OutboxRow>(
      `WITH published AS (DELETE FROM outbox WHERE id = ANY($1::bigint[]))
       SELECT id, topic, key, value, headers, event_type FROM outbox WHERE id <> ALL($1::bigint[]) ORDER BY id LIMIT $2`,
      [this.published, this.options.batchSize],
    );
    this.published = [];
    if (!rows.length) return 0;
    const spans = tracingEnabled() ? rows.map(publishSpan) : [];
    try {
      await this.producer.send(byTopic(rows));
    } catch (e) {
      for (const span of spans) endSpan(span, e);
      throw e;
    }
    for (const span of spans) endSpan(span);
    crashPoint('relay:after-publish-before-mark');
    this.published = rows.map((r) => r.id);
    for (const r of rows) this.metrics.published.inc({ topic: r.topic, event_type: r.event_type });
    return rows.length;
  }
}

/**
 * The span of publishing one event, the child of its outbox write's: the event then carries this span's traceparent,
 * so that its handling is this span's child. Only made while tracing: otherwise the row's traceparent goes as it is.
 */
function publishSpan(row: OutboxRow): Span {
  const span = startSpan(`publish ${row.topic}`, SpanKind.PRODUCER, {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'publish',
    'messaging.destination.name': row.topic,
    eventType: row.event_type,
    eventId: row.headers[EnvelopeHeaders.eventId],
  }, spanContextFrom(row.headers[EnvelopeHeaders.traceparent]));
  row.headers = { ...row.headers, [EnvelopeHeaders.traceparent]: traceparentOf(span) };
  return span;
}

function byTopic(rows: OutboxRow[]): TopicMessages[] {
  const topics = new Map<string, ProducedMessage[]>();
  for (const row of rows) {
    const messages = topics.get(row.topic) ?? [];
    messages.push({ key: row.key, value: row.value, headers: row.headers });
    topics.set(row.topic, messages);
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}
