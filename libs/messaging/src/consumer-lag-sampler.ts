import { Logger } from '@nestjs/common';
import type { KafkaAdmin, KafkaDriver } from './driver/port';
import type { MessagingMetrics } from './metrics';

/**
 * Reads every consumer group's lag from the broker on a timer, into `homestore_consumer_lag{group,topic,partition}`:
 * per partition, the topic's end offset minus the group's committed offset (minus the earliest offset kept, for a
 * group that has committed nothing there yet: it starts from the beginning). A consumer only learns how far behind
 * it is when a fetch comes back, so a stalled or stopped group would show the figure of its last batch; from the
 * broker, its lag grows while events keep coming.
 *
 * One per app process for all its groups, with one admin client kept connected: a sample costs one ListOffsets per
 * topic and one OffsetFetch per group. A sample that fails (the broker away, a topic gone) leaves the last figures,
 * is counted in `homestore_consumer_lag_sample_failures_total`, and the next tick tries again.
 */
export class ConsumerLagSampler {
  private readonly logger = new Logger(ConsumerLagSampler.name);
  private readonly groups = new Map<string, string[]>();
  private readonly admin: KafkaAdmin;
  private connected = false;
  private failing = false;
  private timer?: NodeJS.Timeout;
  private sampling?: Promise<void>;

  constructor(
    driver: KafkaDriver,
    private readonly metrics: MessagingMetrics,
    private readonly intervalMs: number,
  ) {
    // Its requests are tried once (the drivers' admin clients do not retry): a failed sample is taken again at the next tick.
    this.admin = driver.admin();
  }

  /** Samples this group's lag on these topics from now on (from the first sample, even before it has joined). */
  watch(group: string, topics: string[]): void {
    this.groups.set(group, topics);
  }

  /** Samples now, then every intervalMs; never two samples at once. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
    void this.tick();
  }

  /** Stops the timer, lets a sample in flight end, and disconnects the admin client. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sampling;
    await this.disconnect();
  }

  /** One reading of every watched group's lag. Never throws: a failure is counted and logged once until it passes. */
  async sample(): Promise<void> {
    if (!this.groups.size) return;
    try {
      if (!this.connected) {
        await this.admin.connect();
        this.connected = true;
      }
      const topics = [...new Set([...this.groups.values()].flat())];
      const ends = new Map(await Promise.all(topics.map(async (topic) => [topic, await this.admin.topicOffsets(topic)] as const)));
      for (const [group, groupTopics] of this.groups) {
        for (const { topic, partitions } of await this.admin.groupOffsets(group, groupTopics)) {
          const endOf = new Map((ends.get(topic) ?? []).map((p) => [p.partition, p]));
          for (const { partition, offset } of partitions) {
            const end = endOf.get(partition);
            if (!end) continue;
            const from = Number(offset) < 0 ? Number(end.low) : Number(offset);
            this.metrics.consumerLag.set({ topic, partition: String(partition), group }, Math.max(0, Number(end.high) - from));
          }
        }
      }
      if (this.failing) this.logger.log('consumer lag is read from the broker again');
      this.failing = false;
    } catch (e) {
      this.metrics.lagSampleFailures.inc();
      if (!this.failing) this.logger.warn(`consumer lag not read from the broker, the last figures stay: ${(e as Error).message}`);
      this.failing = true;
      // Connected afresh at the next tick: a connection the broker dropped is not always recovered in place.
      await this.disconnect();
    }
  }

  private tick(): Promise<void> {
    return (this.sampling ??= this.sample().finally(() => (this.sampling = undefined)));
  }

  private async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.admin.disconnect().catch(() => undefined);
  }
}
