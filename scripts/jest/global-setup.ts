import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

const TIMEOUT_MS = 3000;

/**
 * Integration tests need the real Kafka and PostgreSQL. This only checks that both answer, fast, and fails
 * with what to do; it starts nothing (`npm test` provisions them before jest runs).
 */
export default async function globalSetup(): Promise<void> {
  const brokers = process.env.KAFKA_BROKERS || '127.0.0.1:9092';
  const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432';
  const problems = (await Promise.all([checkKafka(brokers), checkPostgres(databaseUrl)])).filter((p): p is string => !!p);
  if (problems.length) {
    throw new Error(
      `Integration tests need Kafka and PostgreSQL:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        `Run the tests with \`npm test\` (it starts Kafka and checks PostgreSQL first), e.g. \`npm test -- --selectProjects integration\`,\n` +
        `or set KAFKA_BROKERS / DATABASE_URL to servers that are running.`,
    );
  }
}

async function checkKafka(brokers: string): Promise<string | undefined> {
  const admin = new Kafka({
    clientId: 'homestore-jest-setup',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: TIMEOUT_MS,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return undefined;
  } catch (e) {
    return `Kafka does not answer at ${brokers} (${(e as Error).message})`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function checkPostgres(serverUrl: string): Promise<string | undefined> {
  const shown = serverUrl.replace(/(\/\/[^:/@]+):[^@/]*@/, '$1:***@');
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return `DATABASE_URL is not a URL (${shown})`;
  }
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (e) {
    const err = e as Error & { code?: string };
    return `PostgreSQL does not answer at ${shown} (${err.message || err.code})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}
