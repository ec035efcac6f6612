import { readFileSync } from 'node:fs';
import type { KafkaConfig } from '@homestore/platform';
import type { KafkaConnection } from './driver/port';

/** The settings that say where the brokers are and how to reach them (all of KafkaConfig but the client library). */
export type KafkaConnectionConfig = Omit<KafkaConfig, 'KAFKA_CLIENT'>;

/**
 * How a client of the service reaches the brokers (KAFKA_* of .env.example), with the PEM files read: every driver
 * takes the same connection. The config was validated at start-up, so the files were readable then.
 */
export function kafkaConnectionOf(clientId: string, config: KafkaConnectionConfig): KafkaConnection {
  const pem = (path: string | undefined) => (path === undefined ? undefined : readFileSync(path, 'utf8'));
  return {
    clientId,
    brokers: config.KAFKA_BROKERS.split(','),
    ...(config.KAFKA_SSL && {
      ssl: {
        ca: pem(config.KAFKA_SSL_CA_FILE),
        cert: pem(config.KAFKA_SSL_CERT_FILE),
        key: pem(config.KAFKA_SSL_KEY_FILE),
        rejectUnauthorized: config.KAFKA_SSL_REJECT_UNAUTHORIZED,
      },
    }),
    ...(config.KAFKA_SASL_MECHANISM && {
      // Validated together with the mechanism: both are set when it is.
      sasl: { mechanism: config.KAFKA_SASL_MECHANISM, username: config.KAFKA_SASL_USERNAME!, password: config.KAFKA_SASL_PASSWORD! },
    }),
  };
}
