import { KafkaConfig, loadConfig } from '@homestore/platform';
import { kafkaConnectionOf } from '../kafka-connection';
import type { DriverFactory, KafkaConnection, KafkaDriver } from './port';

export * from './port';

/**
 * The drivers KAFKA_CLIENT may name. Each is loaded only when chosen: the other client's code (and, for kafkajs, its
 * patch of a private module) never runs in a process that does not use it.
 */
const DRIVERS: Record<string, () => DriverFactory> = {
  kafkajs: () => (require('./kafkajs') as typeof import('./kafkajs')).kafkajsDriver,
  platformatic: () => (require('./platformatic') as typeof import('./platformatic')).platformaticDriver,
};

/** The names KAFKA_CLIENT accepts. */
export const KAFKA_CLIENTS = Object.keys(DRIVERS);

/** The driver KAFKA_CLIENT names, for this connection. */
export function kafkaDriver(client: string, connection: KafkaConnection): KafkaDriver {
  const factory = DRIVERS[client];
  if (!factory) throw new Error(`KAFKA_CLIENT must be one of ${KAFKA_CLIENTS.join(', ')}; got "${client}"`);
  return factory()(connection);
}

/** The Kafka driver of a service, a tool or a test: KAFKA_CLIENT names it, the other KAFKA_* settings say how to reach the brokers. */
export function driverOf(clientId: string, config: KafkaConfig): KafkaDriver {
  return kafkaDriver(config.KAFKA_CLIENT, kafkaConnectionOf(clientId, config));
}

/** The same from the environment, for a tool or a test: a bad setting throws a ConfigError naming it. */
export function driverFromEnv(clientId: string, env: NodeJS.ProcessEnv = process.env): KafkaDriver {
  return driverOf(clientId, loadConfig(clientId, KafkaConfig, env));
}
