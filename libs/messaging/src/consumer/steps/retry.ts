import { Logger } from '@nestjs/common';
import type { ConsumedMessage } from '../../driver/port';
import type { MessagingMetrics } from '../../metrics';
import type { DeadLetters } from '../dead-letters';
import type { Decoder } from './decode';
import { backoffMs, DatabaseUnavailableError, isPermanent, outageBackoffMs, RetryPolicy } from '../retry-policy';
import type { DecodedEvent } from './step';

/** Waits `ms` while the group membership stays alive; false when the consumer is stopping (give the record up). */
export type Pause = (ms: number) => Promise<boolean>;

/**
 * The retry and dead-letter step, for one record on its own: it is decoded and handled in a transaction of its own
 * (`attempt`), again after a backoff when that fails, in place (later records of the partition wait, keeping its
 * order), until it succeeds, fails for good (a permanent error, or the last attempt), or the consumer stops. A record
 * that fails for good goes to the dead-letter topic, and only once it is there does the consumer move past it.
 */
export class RetryOrDeadLetter {
  private readonly logger: Logger;

  constructor(
    group: string,
    private readonly decoder: Decoder,
    private readonly policy: RetryPolicy,
    private readonly deadLetters: DeadLetters,
    private readonly metrics: MessagingMetrics,
  ) {
    this.logger = new Logger(`EventConsumer:${group}`);
  }

  /**
   * Handles one record to the end: handled, duplicate, skipped or dead-lettered (true), or given up because the
   * consumer is stopping (false). `failedAttempt` is the error of a first attempt already made (in a run).
   */
  async handle(topic: string, partition: number, message: ConsumedMessage, attempt: (d: DecodedEvent) => Promise<void>, pause: Pause, failedAttempt?: unknown): Promise<boolean> {
    let decoded;
    try {
      decoded = this.decoder.decode(topic, partition, message);
    } catch (error) {
      return this.deadLetter({ topic, partition, message, labels: this.decoder.labelsOf(topic, message), error, attempts: 1 }, pause);
    }
    if (!decoded.handler || !decoded.event) {
      this.metrics.consumed.inc({ ...decoded.labels, outcome: 'skipped' });
      return true;
    }
    const d = decoded as DecodedEvent;
    let pending = failedAttempt;
    for (let n = 1, outage = 0; ; ) {
      try {
        if (pending !== undefined) throw pending;
        await attempt(d);
        return true;
      } catch (error) {
        pending = undefined;
        // The database going away is not this record's fault: it waits, however long, without using up its attempts.
        const unavailable = error instanceof DatabaseUnavailableError;
        if (!unavailable && (isPermanent(error) || n >= this.policy.maxAttempts)) {
          return this.deadLetter({ topic, partition, message, labels: d.labels, error, attempts: n }, pause);
        }
        this.metrics.retried.inc(d.labels);
        outage = unavailable ? outage + 1 : 0;
        const wait = unavailable ? outageBackoffMs(this.policy, outage) : backoffMs(this.policy, n);
        const why = unavailable ? 'waits for the database' : `failed (attempt ${n++})`;
        this.logger.warn(`${d.labels.event_type} ${d.event.eventId} ${why}, retrying in ${wait} ms: ${(error as Error).message}`);
        if (!(await pause(wait))) return false;
      }
    }
  }

  /** Writes the dead letter, trying again until it is written (the offset is not committed past it before). */
  private async deadLetter(letter: Parameters<DeadLetters['write']>[0], pause: Pause): Promise<boolean> {
    for (let n = 1; ; n++) {
      try {
        await this.deadLetters.write(letter);
        return true;
      } catch (e) {
        this.logger.error(`cannot write dead letter of ${letter.topic}[${letter.partition}]@${letter.message.offset} (offset not committed): ${(e as Error).message}`);
        if (!(await pause(backoffMs(this.policy, n)))) return false;
      }
    }
  }
}
