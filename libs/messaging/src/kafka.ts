import { Logger } from '@nestjs/common';
import { Kafka, logCreator, logLevel, Partitioners, Producer } from 'kafkajs';
import './kafkajs-idle-fix';

/**
 * kafkajs warns that bounded retries "may invalidate EoS guarantees". We rely on at-least-once delivery plus
 * consumer inboxes, not on Kafka transactions, and a relay that fails fast is what lets readiness report it.
 */
const EXPECTED_WARNINGS = [/Limiting retries for the idempotent producer/];

/**
 * kafkajs logs every error response of the broker at ERROR, even the ones it retries and gets past
 * (coordinator loading, rebalance in progress). What it cannot get past is thrown, and logged by our code.
 */
const RETRIED_RESPONSES = /^Response \w+\(key: \d+, version: \d+\)$/;

/**
 * Sends kafkajs' own log lines through the Nest logger, so through the service's (libs/platform ServiceLogger): one
 * line each, context `kafkajs`, with what kafkajs says about it (broker, groupId, error, ...) as fields of the line
 * and the ids of the request or event being handled when there is one.
 */
export const kafkajsLogCreator: logCreator = () => {
  const logger = new Logger('kafkajs');
  return ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, logger: _logger, ...details } = log;
    if (EXPECTED_WARNINGS.some((w) => w.test(message))) return;
    const line = { msg: message, ...(namespace ? { namespace } : {}), ...details };
    if (RETRIED_RESPONSES.test(message)) logger.debug(line);
    else if (level <= logLevel.ERROR) logger.error(line);
    else if (level === logLevel.WARN) logger.warn(line);
    else logger.debug(line);
  };
};

/** The kafkajs client of a service. */
export function createKafka(clientId: string, brokers: string): Kafka {
  return new Kafka({
    clientId,
    brokers: brokers.split(','),
    logLevel: logLevel.WARN,
    logCreator: kafkajsLogCreator,
    // Backoff doubles from 200 ms but never waits over 2 s: after a broker restart a client tries again within 2 s
    // (kafkajs' own 30 s ceiling kept groups idle for half a minute while the broker was back).
    retry: { initialRetryTime: 200, maxRetryTime: 2000, retries: 8 },
  });
}

/** The idempotent, acks=all producer used by the relay and for dead letters (one request in flight keeps order). */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  configEntries?: { name: string; value: string }[];
}

/** Broker answers that only mean "that topic is not everywhere yet" right after it was created. */
const NOT_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);

/**
 * Creates the topics that are missing and resolves once every partition of every one of them has a leader that
 * answers for it.
 *
 * kafkajs' own `waitForLeaders` gives up on the first UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers
 * for a moment after creating a topic; here that only means "ask again". Topics that exist are left as they are.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[], timeoutMs = 30_000): Promise<void> {
  if (!specs.length) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    // Resolves false instead of failing when another process created some of them meanwhile.
    if (missing.length) await admin.createTopics({ topics: missing, waitForLeaders: false });
    const names = specs.map((s) => s.topic);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: names });
        const led = topics.length === names.length && topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
        // The metadata can name a leader a moment before that broker serves the partition: ask it for the offsets too.
        if (led) {
          await Promise.all(missing.map((m) => admin.fetchTopicOffsets(m.topic)));
          return;
        }
      } catch (e) {
        if (!NOT_YET.has((e as { type?: string }).type ?? '')) throw e;
      }
      if (Date.now() > deadline) throw new Error(`topics ${names.join(', ')} have no leader after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}
