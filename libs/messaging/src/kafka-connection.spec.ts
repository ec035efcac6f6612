import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaConfig, loadConfig } from '@homestore/platform';
import { kafkaConnectionOf } from './kafka-connection';

/** A file of `text` in a directory of its own. */
function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'homestore-kafka-')), name);
  writeFileSync(path, text);
  return path;
}

describe('kafkaConnectionOf', () => {
  it('is the brokers alone by default: plain TCP, no authentication', () => {
    const config = loadConfig('demo', KafkaConfig, { KAFKA_BROKERS: 'a:9092,b:9092' });
    expect(kafkaConnectionOf('order', config)).toEqual({ clientId: 'order', brokers: ['a:9092', 'b:9092'] });
  });

  it('reads the PEM files of mutual TLS and takes the SASL credentials', () => {
    const config = loadConfig('demo', KafkaConfig, {
      KAFKA_BROKERS: 'kafka.example.com:9096',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: file('ca.pem', 'the CA'),
      KAFKA_SSL_CERT_FILE: file('client.pem', 'the certificate'),
      KAFKA_SSL_KEY_FILE: file('client.key', 'the key'),
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'homestore',
      KAFKA_SASL_PASSWORD: 'homestore-secret',
    });
    expect(kafkaConnectionOf('payment', config)).toEqual({
      clientId: 'payment',
      brokers: ['kafka.example.com:9096'],
      ssl: { ca: 'the CA', cert: 'the certificate', key: 'the key', rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-256', username: 'homestore', password: 'homestore-secret' },
    });
  });

  it('trusts the CAs Node knows when no CA file is given', () => {
    const config = loadConfig('demo', KafkaConfig, { KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' });
    const { ssl } = kafkaConnectionOf('delivery', config);
    expect(ssl).toEqual({ rejectUnauthorized: false });
    expect(ssl?.ca).toBeUndefined();
  });
});
