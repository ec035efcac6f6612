import { Logger } from '@nestjs/common';
import type { ConsumedMessage, KafkaProducer } from '../driver/port';
import { deadLetterTopic } from '@homestore/events';
import type { MessagingMetrics } from '../metrics';
import type { Labels } from './steps/step';

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

/** A record that failed for good, why, and after how many attempts. */
export interface DeadLetter {
  topic: string;
  partition: number;
  message: ConsumedMessage;
  labels: Labels;
  error: unknown;
  attempts: number;
}

/** Writes a group's dead letters to `<topic>.<group>.dlq`: the record untouched, with why it failed in headers. */
export class DeadLetters {
  private readonly logger: Logger;

  constructor(
    private readonly group: string,
    private readonly producer: KafkaProducer,
    private readonly metrics: MessagingMetrics,
  ) {
    this.logger = new Logger(`DeadLetters:${group}`);
  }

  /** Writes one dead letter (acks from every in-sync replica); throws when it cannot be written now. */
  async write({ topic, partition, message, labels, error, attempts }: DeadLetter): Promise<void> {
    const err = error as Error & { code?: string };
    const headers: Record<string, string> = {
      ...stringHeaders(message.headers),
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
    await this.producer.send([{ topic: dlq, messages: [{ key: message.key?.toString() ?? '', value: message.value ?? '', headers }] }]);
    this.logger.warn(`dead-lettered ${labels.event_type} from ${topic}[${partition}]@${message.offset} to ${dlq}: ${headers[DeadLetterHeaders.reason]}`);
    this.metrics.deadLettered.inc({ ...labels, reason: String(headers[DeadLetterHeaders.errorCode]) });
    this.metrics.consumed.inc({ ...labels, outcome: 'dead_lettered' });
  }
}

/** The record's headers as they were, as strings (an event's headers are text). */
function stringHeaders(headers: ConsumedMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = value.toString();
  return out;
}
