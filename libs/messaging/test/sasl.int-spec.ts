import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { KAFKA_CLIENTS, kafkaDriver, throwawayGroup, type KafkaConnection } from '../src';

/**
 * The Kafka clients' SSL and SASL settings against the real broker: scripts/kafka.mjs gives the local one a
 * SASL_PLAINTEXT and a SASL_SSL listener (self-signed certificate) beside PLAINTEXT, with one user for PLAIN,
 * SCRAM-SHA-256 and SCRAM-SHA-512. `npm test` exports where they are; the defaults are the local broker's.
 */
const PLAINTEXT = process.env.KAFKA_BROKERS || '127.0.0.1:9092';
const SASL_PLAINTEXT = process.env.KAFKA_SASL_BROKERS || '127.0.0.1:9094';
const SASL_SSL = process.env.KAFKA_SASL_SSL_BROKERS || '127.0.0.1:9095';
const CA_FILE = process.env.KAFKA_SASL_SSL_CA_FILE || join(__dirname, '../../../.cache/kafka/tls/ca.pem');
const USER = { username: 'homestore', password: 'homestore-secret' };
const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/**
 * Through one connection: creates a topic of one partition, writes one message to it with acks=all, reads it back
 * and answers its value; rejects with the client's error when the broker refuses the connection. One per client.
 */
type RoundTrip = (connection: KafkaConnection, topic: string, value: string) => Promise<string>;

/** The round trip through one driver of the port: its admin, its producer (the relay's: acks=all) and a group consumer. */
const roundTripWith =
  (client: string): RoundTrip =>
  async (connection, topic, value) => {
    const driver = kafkaDriver(client, connection);
    const admin = driver.admin();
    const producer = driver.producer();
    const consumer = driver.consumer(throwawayGroup(`${topic}-reader`));
    try {
      await admin.connect();
      await admin.createTopics([{ topic, numPartitions: 1 }]);
      await producer.connect();
      await producer.send([{ topic, messages: [{ key: 'k', value }] }]);
      await consumer.connect();
      await consumer.subscribe([topic]);
      return await new Promise<string>((resolve, reject) => {
        consumer.run({ partitionsAtOnce: 1, eachBatch: async ({ messages }) => resolve(messages[0]?.value?.toString() ?? '') }).catch(reject);
      });
    } finally {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
    }
  };

/** Fails at once, saying what to do, when the broker has no listener there (one started before the script had them). */
async function listening(brokers: string): Promise<void> {
  const [host, port] = brokers.split(',')[0].split(':');
  const open = await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port: Number(port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.on('connect', () => done(true)).on('error', () => done(false));
    socket.setTimeout(3000, () => done(false));
  });
  if (!open) {
    throw new Error(
      `nothing listens at ${brokers}: restart the local broker so that it gets its SASL listeners ` +
        `(npm run kafka -- stop && npm run kafka -- start), or point KAFKA_SASL_BROKERS / KAFKA_SASL_SSL_BROKERS at one`,
    );
  }
}

/** The checks every Kafka client of Homestore passes against the SASL listeners. */
function saslChecks(client: string, roundTrip: RoundTrip): void {
  describe(`${client} against the SASL listeners (real Kafka)`, () => {
    beforeAll(async () => {
      await listening(SASL_PLAINTEXT);
      await listening(SASL_SSL);
    });

    /** A message written and read back through this connection arrives as it was written. */
    const roundTrips = async (connection: Omit<KafkaConnection, 'clientId'>) => {
      const topic = `test.sasl.${randomUUID().slice(0, 8)}`;
      const value = `sent over ${connection.brokers.join(',')} at ${new Date().toISOString()}`;
      await expect(roundTrip({ clientId: `sasl-test-${client}`, ...connection }, topic, value)).resolves.toBe(value);
    };

    it.each(MECHANISMS)('writes with acks=all and reads back over SASL_PLAINTEXT with %s', (mechanism) =>
      roundTrips({ brokers: [SASL_PLAINTEXT], sasl: { mechanism, ...USER } }),
    );

    it.each(MECHANISMS)('writes with acks=all and reads back over SASL_SSL with %s, trusting the broker by its CA file', (mechanism) =>
      roundTrips({ brokers: [SASL_SSL], ssl: { ca: readFileSync(CA_FILE, 'utf8'), rejectUnauthorized: true }, sasl: { mechanism, ...USER } }),
    );

    it.each(MECHANISMS)('is refused with an authentication error when the %s password is wrong', async (mechanism) => {
      const connection = { clientId: `sasl-test-${client}`, brokers: [SASL_PLAINTEXT], sasl: { mechanism, username: USER.username, password: 'not-the-password' } };
      await expect(roundTrip(connection, `test.sasl.${randomUUID().slice(0, 8)}`, 'never written')).rejects.toThrow(/authentication failed/i);
    });

    it('refuses a broker whose certificate it cannot verify', async () => {
      const connection = { clientId: `sasl-test-${client}`, brokers: [SASL_SSL], ssl: { rejectUnauthorized: true }, sasl: { mechanism: 'plain' as const, ...USER } };
      await expect(roundTrip(connection, `test.sasl.${randomUUID().slice(0, 8)}`, 'never written')).rejects.toThrow(/certificate/i);
    });

    it('still serves clients without SSL or SASL on the PLAINTEXT listener', () => roundTrips({ brokers: PLAINTEXT.split(',') }));
  });
}

for (const client of KAFKA_CLIENTS) saslChecks(client, roundTripWith(client));
