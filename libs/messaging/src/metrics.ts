import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The messaging figures every app exposes on GET /metrics. One instance per registry. */
export class MessagingMetrics {
  readonly published: Counter<'topic' | 'event_type'>;
  readonly consumed: Counter<'topic' | 'event_type' | 'group' | 'outcome'>;
  readonly retried: Counter<'topic' | 'event_type' | 'group'>;
  readonly deadLettered: Counter<'topic' | 'event_type' | 'group' | 'reason'>;
  readonly handlerSeconds: Histogram<'topic' | 'event_type' | 'group'>;
  /** Set by the ConsumerLagSampler from the broker's offsets, on its timer (not by the consumers). */
  readonly consumerLag: Gauge<'topic' | 'partition' | 'group'>;
  readonly lagSampleFailures: Counter;
  readonly outboxBacklog: Gauge;
  readonly outboxOldestAge: Gauge;
  /** Set by the relay: read on each scrape to fill the outbox gauges. */
  outboxStats?: () => Promise<{ backlog: number; oldestAgeSeconds: number }>;

  constructor(readonly registry: Registry) {
    const registers = [registry];
    this.published = new Counter({
      name: 'homestore_events_published_total',
      help: 'Events published to Kafka by the outbox relay',
      labelNames: ['topic', 'event_type'],
      registers,
    });
    this.consumed = new Counter({
      name: 'homestore_events_consumed_total',
      help: 'Messages taken off Kafka, by outcome (handled, duplicate, skipped, dead_lettered)',
      labelNames: ['topic', 'event_type', 'group', 'outcome'],
      registers,
    });
    this.retried = new Counter({
      name: 'homestore_events_retried_total',
      help: 'Handler attempts that failed and were retried',
      labelNames: ['topic', 'event_type', 'group'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'homestore_events_dead_lettered_total',
      help: 'Messages written to a dead-letter topic',
      labelNames: ['topic', 'event_type', 'group', 'reason'],
      registers,
    });
    this.handlerSeconds = new Histogram({
      name: 'homestore_event_handler_duration_seconds',
      help: 'Time from taking a message to its committed transaction, retries included',
      labelNames: ['topic', 'event_type', 'group'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'homestore_consumer_lag',
      help: "Messages between the group's committed offset and the partition's end, read from the broker every CONSUMER_LAG_SAMPLE_MS (a stopped group's lag keeps growing)",
      labelNames: ['topic', 'partition', 'group'],
      registers,
    });
    this.lagSampleFailures = new Counter({
      name: 'homestore_consumer_lag_sample_failures_total',
      help: 'Lag samples that could not read the offsets from the broker (the lag gauge keeps its last value)',
      registers,
    });
    // Both outbox gauges are filled by one query per scrape, run by the first of the two to be collected.
    let pending: Promise<{ backlog: number; oldestAgeSeconds: number } | undefined> | undefined;
    const stats = () => (pending ??= (this.outboxStats?.() ?? Promise.resolve(undefined)).finally(() => setImmediate(() => (pending = undefined))));
    this.outboxBacklog = new Gauge({
      name: 'homestore_outbox_backlog',
      help: 'Outbox rows not yet published',
      registers,
      async collect() {
        const s = await stats().catch(() => undefined);
        if (s) this.set(s.backlog);
      },
    });
    this.outboxOldestAge = new Gauge({
      name: 'homestore_outbox_oldest_unsent_age_seconds',
      help: 'Age of the oldest outbox row not yet published (0 when none)',
      registers,
      async collect() {
        const s = await stats().catch(() => undefined);
        if (s) this.set(s.oldestAgeSeconds);
      },
    });
  }
}
