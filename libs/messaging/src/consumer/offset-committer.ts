import { Logger } from '@nestjs/common';
import { partitionKey, type KafkaGroupConsumer, type PartitionOffset } from '../driver/port';

/**
 * Commits a group's offsets of handled records at most once per interval, every partition in one request, and what
 * is left when the group stops. (A commit per fetch cost the broker as many requests as every fetch did, a third of
 * all it served, and each fetch a round trip; what a crash leaves uncommitted comes again and the inbox skips it.)
 */
export class OffsetCommitter {
  private readonly logger: Logger;
  /** Handled, not yet committed: the next offset to read of each partition ("topic:partition"). */
  private uncommitted = new Map<string, PartitionOffset>();
  private lastCommitAt = 0;
  private timer?: NodeJS.Timeout;
  /** Commits one after the other (a timer's and a stop's never overlap). */
  private committing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    group: string,
    private readonly consumer: Pick<KafkaGroupConsumer, 'commit'>,
    private readonly intervalMs: number,
  ) {
    this.logger = new Logger(`EventConsumer:${group}`);
  }

  /** The record at `offset` is handled (its transaction committed, or its dead letter written). */
  handled(topic: string, partition: number, offset: string): void {
    this.uncommitted.set(partitionKey(topic, partition), { topic, partition, offset: (BigInt(offset) + 1n).toString() });
  }

  /** Partitions may have moved: what was handled and not committed is redelivered to their owners, who skip it. */
  forget(): void {
    this.uncommitted.clear();
  }

  /** Commits what is handled once the interval has passed since the last commit (at once if it has). */
  soon(): void {
    if (!this.uncommitted.size || this.timer || this.stopped) return;
    const wait = Math.max(0, this.lastCommitAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.commit();
    }, wait);
  }

  /** Commits what is left, and no more on a timer. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.commit();
  }

  restart(): void {
    this.stopped = false;
  }

  /**
   * One request for the offsets of every partition handled since the last commit. A failed commit is tried again
   * after the interval, unless a later record of the partition was handled since (its offset goes instead) or the
   * group rejoined (forget: the partition's owner reads from the committed offset again). Dropping it left a
   * partition with no more records, as after the broker's restart, behind for good: its lag never went back to 0.
   */
  private commit(): Promise<void> {
    this.committing = this.committing.then(async () => {
      if (!this.uncommitted.size) return;
      const offsets = [...this.uncommitted.values()];
      this.uncommitted = new Map();
      this.lastCommitAt = Date.now();
      try {
        await this.consumer.commit(offsets);
      } catch (e) {
        this.logger.warn(`offset commit for ${offsets.map((o) => `${o.topic}[${o.partition}]`).join(', ')} failed (tried again in ${this.intervalMs} ms): ${(e as Error).message}`);
        for (const o of offsets) {
          const key = partitionKey(o.topic, o.partition);
          if (!this.uncommitted.has(key)) this.uncommitted.set(key, o);
        }
        this.soon();
      }
    });
    return this.committing;
  }
}
