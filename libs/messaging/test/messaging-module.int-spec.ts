import { Controller, Injectable, INestApplication, Module, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import { DatabaseModule, loadConfig, PlatformModule, ServiceConfig } from '@homestore/platform';
import { CreateMessagingTables1763800000000, MessagingModule, OnEvent, Outbox } from '../src';
import { createTopic, dropDatabase, eventually, testEvent, TestHappened, testKafka, unique } from './support';

const topic = unique('test.module');
const TestHappenedHere = testEvent(topic);

@Injectable()
class Recorder {
  seen: TestHappened[] = [];
  constructor(private readonly outbox: Outbox) {}

  @OnEvent(TestHappenedHere)
  async onTestHappened(event: TestHappened, em: EntityManager): Promise<void> {
    this.seen.push(event);
    if (event.payload.seq === 0) {
      // An event raised by a handler commits with the handler's inbox row and carries its causation.
      await this.outbox.add(em, TestHappenedHere, { ...event.payload, id: crypto.randomUUID(), seq: 1 });
    }
  }
}

@Controller('raise')
class RaiseController {
  constructor(
    private readonly outbox: Outbox,
    private readonly dataSource: DataSource,
  ) {}

  @Post()
  raise(): Promise<unknown> {
    return this.dataSource.transaction((em) => this.outbox.add(em, TestHappenedHere, { id: crypto.randomUUID(), key: 'http', seq: 5, behaviour: 'ok' }));
  }
}

@Module({ providers: [Recorder], controllers: [RaiseController] })
class RecorderModule {}

describe('MessagingModule in a Nest app: discovery, health, metrics, shutdown', () => {
  const kafka = testKafka();
  const db = unique('hs_module');
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    await createTopic(kafka, topic, 3);
    const config = loadConfig('demo', ServiceConfig, { ...process.env, PORT: '1', DATABASE_NAME: db });
    const moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot('demo', config),
        DatabaseModule.forRoot({ entities: [], migrations: [CreateMessagingTables1763800000000] }),
        MessagingModule.forRoot(),
        RecorderModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    app.enableShutdownHooks();
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await dropDatabase(db);
  });

  it('is live, and ready once database, producer, relay and consumer group are up', async () => {
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const ready = await eventually('readiness', async () => (await (await fetch(`${base}/health/ready`)).json()) as { status: string; checks: object }, (r) => r.status === 'ok');
    expect(Object.keys(ready.checks).sort()).toEqual(['consumer-group:demo', 'database', 'kafka-producer', 'outbox-relay']);
  });

  it('delivers an event to the @OnEvent handler, whose own event goes out through the outbox with its causation', async () => {
    const ds = app.get(DataSource);
    const outbox = app.get(Outbox);
    const first = await ds.transaction((em) => outbox.add(em, TestHappenedHere, { id: crypto.randomUUID(), key: 'k1', seq: 0, behaviour: 'ok' }));
    const recorder = app.get(Recorder);
    await eventually('both events to be handled', async () => recorder.seen.length, (n) => n === 2);
    const [, raised] = recorder.seen;
    expect(raised.payload.seq).toBe(1);
    expect(raised.causationId).toBe(first.eventId);
    expect(raised.correlationId).toBe(first.correlationId);
  });

  it('stamps events raised by an HTTP request with its correlation id, request id and trace', async () => {
    const res = await fetch(`${base}/raise`, {
      method: 'POST',
      headers: { 'x-correlation-id': 'flow-7', 'x-request-id': 'req-7', traceparent: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01` },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('req-7');
    const raised = (await res.json()) as { correlationId: string; causationId: string };
    expect(raised).toMatchObject({ correlationId: 'flow-7', causationId: 'req-7' });
    const recorder = app.get(Recorder);
    await eventually('the raised event to be handled', async () => recorder.seen.length, (n) => n === 3);
  });

  it('exposes published, consumed and handler-latency figures and the outbox gauges on /metrics', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(new RegExp(`homestore_events_published_total\\{topic="${topic}",event_type="TestHappened",service="demo"\\} 3`));
    expect(text).toMatch(/homestore_events_consumed_total\{[^}]*outcome="handled"[^}]*\} 3/);
    expect(text).toMatch(/homestore_event_handler_duration_seconds_count\{[^}]*\} \d+/);
    expect(text).toMatch(/homestore_outbox_backlog\{service="demo"\} 0/);
    expect(text).toMatch(/homestore_outbox_oldest_unsent_age_seconds\{service="demo"\} 0/);
    expect(text).toMatch(/homestore_consumer_lag\{[^}]*\} 0/);
  });

  it('is not ready once its consumer has left the group', async () => {
    const consumers = (app.get(MessagingModule) as unknown as { consumers: { stop(): Promise<void> }[] }).consumers;
    await consumers[0].stop();
    const res = await fetch(`${base}/health/ready`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: Record<string, unknown> };
    expect(body.checks['consumer-group:demo']).toEqual({ status: 'down', error: 'consumer is stopped' });
  });
});
