import { Logger } from '@nestjs/common';
import { Kafka, logCreator, logLevel, Partitioners, Producer } from 'kafkajs';

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

/** Sends kafkajs' own log lines through the Nest logger. */
const nestLogCreator: logCreator = () => {
  const logger = new Logger('kafkajs');
  return ({ level, log }) => {
    const { message, ...rest } = log;
    if (EXPECTED_WARNINGS.some((w) => w.test(message))) return;
    const details = Object.entries(rest)
      .filter(([k]) => k !== 'timestamp' && k !== 'logger')
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    const line = details ? `${message} (${details})` : message;
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
    logCreator: nestLogCreator,
    retry: { initialRetryTime: 200, retries: 8 },
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
