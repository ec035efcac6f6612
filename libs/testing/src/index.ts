/** Test helpers shared by the apps' integration tests: a token issuer with its JWKS, an app in-process, an event publisher, waiting. Never imported by production code. */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { exportJWK, SignJWT } from 'jose';
import { Client } from 'pg';
import { EnvelopeHeaders, EventDefinition, eventDefinition, EventEnvelope, PayloadOf } from '@homestore/events';
import { ConsumedMessage, driverFromEnv, ensureTopics, EventTransport, KafkaDriver, ProducedMessage, readToEnd } from '@homestore/messaging';
import { DataSource } from 'typeorm';
import { configureHttp, loadConfig, ServiceConfig } from '@homestore/platform';
import { databaseUrl, dataSourceOptions, ensureDatabase } from '@homestore/persistence';
import { forgetGroups, groupsOf, startGroupsAtTheEnd } from './consumer-groups';

export * from './consumer-groups';
export type { ConsumedMessage } from '@homestore/messaging';

export const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

/** The Kafka driver of a test (KAFKA_CLIENT, KAFKA_BROKERS and the rest from the environment, as the apps'). */
export function testDriver(clientId: string): KafkaDriver {
  return driverFromEnv(clientId);
}

/** Signs access tokens as the user service would, and serves their public key as a JWKS. */
export class TestIssuer {
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private server?: Server;
  jwksUrl = '';

  async start(): Promise<void> {
    const jwk = { ...(await exportJWK(this.keys.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    this.server = createServer((_, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.jwksUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
  }

  token(sub: string, role: 'customer' | 'store' = 'customer'): Promise<string> {
    return new SignJWT({ role })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'JWT' })
      .setSubject(sub)
      .setIssuer('homestore-user')
      .setAudience('homestore')
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(this.keys.privateKey);
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** An app started by startApp. */
export interface TestApp {
  app: INestApplication;
  base: string;
  /** Put before each of the app's consumer group names (CONSUMER_GROUP_PREFIX). */
  groupPrefix: string;
  /** Closes the app, then forgets its consumer groups and their dead-letter topics (unless the caller chose the prefix). */
  close(): Promise<void>;
}

/**
 * An app in this process on its own database, with the HTTP conventions of runService. It consumes in groups of
 * its own (`test-<8 hex>.<group>`), started at the topics' current ends, so neither a running shop nor the backlog
 * a benchmark left in the real groups reaches it; the topics must exist first (createTopics). An `env` that sets
 * CONSUMER_GROUP_PREFIX keeps those groups as they are: the caller owns them. Config goes through `env` as for a
 * deployment (e.g. `CONSUMER_MAX_ATTEMPTS: '2'`).
 */
export async function startApp<C extends ServiceConfig>(
  service: string,
  configClass: new () => C,
  register: (config: C) => DynamicModule,
  env: Record<string, string>,
  overrides: [token: unknown, value: unknown][] = [],
): Promise<TestApp> {
  const ownGroups = env.CONSUMER_GROUP_PREFIX === undefined;
  const groupPrefix = env.CONSUMER_GROUP_PREFIX ?? `test-${randomUUID().slice(0, 8)}.`;
  const config = loadConfig(service, configClass, { ...process.env, NODE_ENV: 'test', PORT: '1', LOG_LEVEL: 'error', ...env, CONSUMER_GROUP_PREFIX: groupPrefix });
  const driver = testDriver(`${service}-test-groups`);
  const forget = () => (ownGroups ? forgetGroups(driver, groupPrefix) : Promise.resolve());
  try {
    if (ownGroups) await startGroupsAtTheEnd(driver, groupPrefix, groupsOf(service));
    const builder = Test.createTestingModule({ imports: [register(config)] });
    for (const [token, value] of overrides) builder.overrideProvider(token).useValue(value);
    const moduleRef = await builder.compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error'] });
    configureHttp(app);
    await app.init();
    // As the consuming apps' main.ts do: their event handlers run on the Kafka transport.
    const transport = app.get(EventTransport, { strict: false });
    app.connectMicroservice({ strategy: transport });
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const close = async () => {
      await app.close();
      await forget();
    };
    return { app, base, groupPrefix, close };
  } catch (error) {
    await forget().catch(() => undefined);
    throw error;
  }
}

export async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
}

/** An HTTP answer: its status and its JSON body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Answer = { status: number; body: any };

/**
 * Walks a paged list (`{ [key]: rows, nextCursor }`, GET /orders, /messages, /store/orders, /mypage, /mileage's history) from its first
 * page to the one whose nextCursor is null, `limit` rows a page (the list's default when unset), and runs `between`
 * after each page but the last (to make rows arrive while it walks). Throws on any answer but 200; answers every
 * row in the order served, and the number of rows of each page.
 */
export async function walkPages<T>(
  get: (path: string) => Promise<Answer>,
  path: string,
  key: string,
  { limit, between }: { limit?: number; between?: (page: number) => Promise<unknown> } = {},
): Promise<{ rows: T[]; pages: number[] }> {
  const rows: T[] = [];
  const pages: number[] = [];
  let cursor: string | null = null;
  do {
    const query = [limit === undefined ? '' : `limit=${limit}`, cursor === null ? '' : `before=${cursor}`].filter(Boolean).join('&');
    const page = await get(query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path);
    const wellFormed = Array.isArray(page.body?.[key]) && (page.body.nextCursor === null || typeof page.body.nextCursor === 'string');
    if (page.status !== 200 || !wellFormed) throw new Error(`GET ${path} page ${pages.length + 1}: ${page.status} ${JSON.stringify(page.body)}`);
    rows.push(...page.body[key]);
    pages.push(page.body[key].length);
    cursor = page.body.nextCursor;
    if (pages.length > 10_000) throw new Error(`GET ${path}: no last page after 10,000 pages`);
    if (cursor !== null) await between?.(pages.length);
  } while (cursor !== null);
  return { rows, pages };
}

/** A Kafka message of an event as its producer's relay writes it: keyed, with the envelope headers. */
function messageOf(definition: EventDefinition, envelope: EventEnvelope): ProducedMessage {
  return {
    key: (envelope.payload as Record<string, string>)[definition.keyField],
    value: JSON.stringify(envelope),
    headers: { [EnvelopeHeaders.eventType]: envelope.eventType, [EnvelopeHeaders.eventId]: envelope.eventId, [EnvelopeHeaders.correlationId]: envelope.correlationId },
  };
}

/** Publishes events as their producer's relay would: keyed, with the envelope headers. */
export class TestPublisher {
  readonly driver: KafkaDriver = testDriver('test-publisher');
  private readonly producer = this.driver.producer();

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** A new envelope of `definition` around `payload`. */
  envelope<D extends EventDefinition>(definition: D, payload: PayloadOf<D>): EventEnvelope<PayloadOf<D>> {
    const fields = payload as unknown as Record<string, string>;
    return {
      eventId: randomUUID(),
      eventType: definition.type,
      eventVersion: definition.version,
      aggregateType: definition.aggregateType,
      aggregateId: fields[definition.aggregateIdField],
      ...(definition.orderIdField ? { orderId: fields[definition.orderIdField] } : {}),
      correlationId: randomUUID(),
      causationId: randomUUID(),
      producer: definition.producer,
      occurredAt: new Date().toISOString(),
      payload,
    };
  }

  async send(definition: EventDefinition, envelope: EventEnvelope): Promise<void> {
    await this.producer.send([{ topic: definition.topic, messages: [messageOf(definition, envelope)] }]);
  }

  /**
   * Sends the events in one producer request, so that a consumer fetches them together (one run); the events of one
   * topic and key keep the order given. Each event's contract comes from its eventType.
   */
  async sendTogether(...envelopes: EventEnvelope[]): Promise<void> {
    const topics = new Map<string, ProducedMessage[]>();
    for (const envelope of envelopes) {
      const definition = eventDefinition(envelope.eventType);
      if (!definition) throw new Error(`no event type ${envelope.eventType} in the contract`);
      topics.set(definition.topic, [...(topics.get(definition.topic) ?? []), messageOf(definition, envelope)]);
    }
    await this.producer.send([...topics].map(([topic, messages]) => ({ topic, messages })));
  }

  /** Publishes a new event and returns its envelope. */
  async publish<D extends EventDefinition>(definition: D, payload: PayloadOf<D>): Promise<EventEnvelope<PayloadOf<D>>> {
    const envelope = this.envelope(definition, payload);
    await this.send(definition, envelope);
    return envelope;
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

export async function createTopics(driver: KafkaDriver, topics: string[]): Promise<void> {
  await ensureTopics(driver, topics.map((topic) => ({ topic, numPartitions: 6 })));
}

export async function dropDatabase(name: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl(SERVER_URL, 'postgres') });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
}

/** A database of its own for one test file (named from `prefix`), migrated as an app's is; `drop` closes and drops it. */
export async function testDatabase(prefix: string, migrations: Function[] = []): Promise<{ ds: DataSource; name: string; drop(): Promise<void> }> {
  const name = `hs_test_${prefix}_${randomUUID().slice(0, 8)}`;
  await ensureDatabase(SERVER_URL, name);
  const ds = new DataSource(dataSourceOptions({ url: databaseUrl(SERVER_URL, name), entities: [], migrations }));
  await ds.initialize();
  return {
    ds,
    name,
    drop: async () => {
      await ds.destroy();
      await dropDatabase(name);
    },
  };
}

/** Polls until `ok` holds; fails naming `what` with the last value. */
export async function eventually<T>(what: string, probe: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  do {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

/** Every message on a topic from its first retained offset up to its current end, read with a throwaway group. */
export async function readWholeTopic(driver: KafkaDriver, topic: string): Promise<ConsumedMessage[]> {
  const messages: ConsumedMessage[] = [];
  await readToEnd(driver, [topic], (batch) => void messages.push(...batch.messages));
  return messages;
}

/** Every event of one key (order or user) on a topic, up to the topic's current end. */
export async function eventsOfKey(driver: KafkaDriver, topic: string, key: string): Promise<EventEnvelope[]> {
  return (await readWholeTopic(driver, topic)).filter((m) => m.key?.toString() === key).map((m) => JSON.parse(m.value!.toString()));
}

/** Waits until the app's relay has published (and Kafka acknowledged) everything its transactions committed. */
export function outboxDrained(dataSource: { query(sql: string): Promise<{ n: number }[]> }): Promise<number> {
  return eventually('the outbox to drain', async () => (await dataSource.query(`SELECT count(*)::int AS n FROM outbox`))[0].n, (n) => n === 0);
}
