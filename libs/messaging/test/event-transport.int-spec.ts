import { Controller, INestApplication, Module, Post } from '@nestjs/common';
import { Ctx, EventPattern, MicroserviceOptions, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { deadLetterTopic, EventEnvelope } from '@homestore/events';
import { inUnitOfWork } from '@homestore/persistence';
import { DatabaseModule, loadConfig, PlatformModule, ServiceConfig } from '@homestore/platform';
import { CreateMessagingTables1763800000000, DeadLetterHeaders, EventConsumer, EventContext, EventTransport, MessagingModule, Outbox, PermanentError } from '../src';
import { createTopic, dropDatabase, eventually, header, readTopic, testEvent, TestHappened, testDriver, unique } from './support';

const topic = unique('test.module');
const TestHappenedHere = testEvent(topic);

/** A handler of the service's own group: records what it sees, raises an event for seq 0, refuses seq 13 for good. */
@Controller()
class Recorder {
  seen: TestHappened[] = [];
  groups: string[] = [];
  constructor(private readonly outbox: Outbox) {}

  @EventPattern({ group: 'demo', event: TestHappenedHere.type })
  onTestHappened(@Payload() event: TestHappened, @Ctx() ctx: EventContext): void {
    this.seen.push(event);
    this.groups.push(ctx.getGroup());
    if (event.payload.seq === 13) throw new PermanentError(`seq 13 is refused for good (${event.eventId})`);
    // An event raised by a handler commits with the handler's inbox row and carries its causation.
    if (event.payload.seq === 0) this.outbox.add(ctx.getWork(), [{ definition: TestHappenedHere, payload: { ...event.payload, id: crypto.randomUUID(), seq: 1 } }]);
  }
}

/** The same event in a second group of the same app: Nest must not chain it to the first. */
@Controller()
class Auditor {
  seen: TestHappened[] = [];

  @EventPattern({ group: 'demo-audit', event: TestHappenedHere.type })
  onTestHappened(@Payload() event: TestHappened): void {
    this.seen.push(event);
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
    return inUnitOfWork(this.dataSource, async (work) => this.outbox.add(work, [{ definition: TestHappenedHere, payload: { id: crypto.randomUUID(), key: 'http', seq: 5, behaviour: 'ok' } }])[0]);
  }
}

@Module({ controllers: [Recorder, Auditor, RaiseController] })
class RecorderModule {}

describe('EventTransport in a Nest app: @EventPattern handlers, errors, two groups, health, metrics, shutdown', () => {
  const kafka = testDriver('test');
  const db = unique('hs_module');
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    await createTopic(kafka, topic, 3);
    const config = loadConfig('demo', ServiceConfig, { ...process.env, PORT: '1', DATABASE_NAME: db, CONSUMER_LAG_SAMPLE_MS: '200' });
    const moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot('demo', config),
        DatabaseModule.forRoot({ entities: [], migrations: [CreateMessagingTables1763800000000] }),
        MessagingModule.forRoot({ contract: [TestHappenedHere] }),
        RecorderModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    app.enableShutdownHooks();
    await app.init();
    app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(EventTransport) });
    await app.startAllMicroservices();
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
    expect(Object.keys(ready.checks).sort()).toEqual(['consumer-group:demo', 'consumer-group:demo-audit', 'database', 'kafka-producer', 'outbox-relay']);
  });

  /** A group's lag over every partition, as /metrics says now. */
  const lagOf = async (group: string): Promise<number> => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const series = [...text.matchAll(/^homestore_consumer_lag\{([^}]*)\} (\d+)$/gm)].filter(([, labels]) => labels.includes(`group="${group}"`));
    return series.length ? series.reduce((sum, [, , value]) => sum + Number(value), 0) : NaN;
  };

  const raise = (payload: TestHappened['payload']): Promise<EventEnvelope> =>
    inUnitOfWork(app.get(DataSource), async (work) => app.get(Outbox).add(work, [{ definition: TestHappenedHere, payload }])[0]);

  it('delivers an event to the @EventPattern handler of each group, whose own event goes out through the outbox with its causation', async () => {
    const first = await raise({ id: crypto.randomUUID(), key: 'k1', seq: 0, behaviour: 'ok' });
    const recorder = app.get(Recorder);
    await eventually('both events to be handled', async () => recorder.seen.length, (n) => n === 2);
    const [, raised] = recorder.seen;
    expect(raised.payload.seq).toBe(1);
    expect(raised.causationId).toBe(first.eventId);
    expect(raised.correlationId).toBe(first.correlationId);
    expect(recorder.groups).toEqual(['demo', 'demo']);
    const auditor = app.get(Auditor);
    await eventually('the second group to see both', async () => auditor.seen.length, (n) => n === 2);
    expect(auditor.seen.map((e) => e.eventId).sort()).toEqual(recorder.seen.map((e) => e.eventId).sort());
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

  it("hands what a handler throws to the retry and dead-letter policy unchanged: a PermanentError is dead-lettered at once, with its message", async () => {
    const refused = await raise({ id: crypto.randomUUID(), key: 'k13', seq: 13, behaviour: 'ok' });
    const [letter] = await readTopic(kafka, deadLetterTopic(topic, 'demo'), (m) => m.length >= 1);
    expect(JSON.parse(letter.value!.toString()).eventId).toBe(refused.eventId);
    expect(header(letter, DeadLetterHeaders.reason)).toBe(`seq 13 is refused for good (${refused.eventId})`);
    expect(header(letter, DeadLetterHeaders.errorCode)).toBe('PermanentError');
    expect(header(letter, DeadLetterHeaders.attempts)).toBe('1');
  });

  it('exposes published, consumed and handler-latency figures and the outbox gauges on /metrics', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(new RegExp(`homestore_events_published_total\\{topic="${topic}",event_type="TestHappened",service="demo"\\} 4`));
    expect(text).toMatch(/homestore_events_consumed_total\{[^}]*group="demo"[^}]*outcome="handled"[^}]*\} 3/);
    expect(text).toMatch(/homestore_events_consumed_total\{[^}]*group="demo"[^}]*outcome="dead_lettered"[^}]*\} 1/);
    expect(text).toMatch(/homestore_event_handler_duration_seconds_count\{[^}]*\} \d+/);
    expect(text).toMatch(/homestore_outbox_backlog\{service="demo"\} 0/);
    expect(text).toMatch(/homestore_outbox_oldest_unsent_age_seconds\{service="demo"\} 0/);
    // Read from the broker every CONSUMER_LAG_SAMPLE_MS: 0 once each group has committed what it handled.
    for (const consumer of app.get(EventTransport).unwrap<EventConsumer[]>()) {
      await eventually(`${consumer.group}'s lag to be 0`, () => lagOf(consumer.group), (lag) => lag === 0);
    }
  });

  it('is not ready once its consumer has left the group', async () => {
    const [consumer] = app.get(EventTransport).unwrap<EventConsumer[]>();
    await consumer.stop();
    const res = await fetch(`${base}/health/ready`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: Record<string, unknown> };
    expect(body.checks['consumer-group:demo']).toEqual({ status: 'down', error: 'consumer is stopped' });
  });

  it("shows the stopped group's lag growing on the timer as events keep coming, while the running group's stays at 0", async () => {
    const [stopped, running] = app.get(EventTransport).unwrap<EventConsumer[]>();
    expect([stopped.state, running.ready]).toEqual(['stopped', true]);
    await eventually(`${stopped.group}'s lag to be 0 as it left`, () => lagOf(stopped.group), (lag) => lag === 0);
    for (let n = 1; n <= 3; n++) {
      await raise({ id: crypto.randomUUID(), key: `late${n}`, seq: 20 + n, behaviour: 'ok' });
      await eventually(`${stopped.group}'s lag to be ${n}`, () => lagOf(stopped.group), (lag) => lag === n);
    }
    await eventually(`${running.group} to have caught up`, () => lagOf(running.group), (lag) => lag === 0);
  });
});
