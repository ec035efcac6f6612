import { Controller, INestApplication, Module, Post } from '@nestjs/common';
import { EventPattern, MicroserviceOptions, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { inUnitOfWork } from '@homestore/persistence';
import { DatabaseModule, installTracing, loadConfig, PlatformModule, ServiceConfig, SpanKind, Tracing } from '@homestore/platform';
import { CreateMessagingTables1763800000000, currentContext, EventTransport, MessagingModule, Outbox } from '../src';
import { createTopic, dropDatabase, eventually, TestHappened, testEvent, testDriver, unique } from './support';

const topic = unique('test.tracing');
const TestHappenedHere = testEvent(topic);

/** Raises an event through the outbox for each POST, and records the trace id each handled event's context has. */
@Controller()
class Shop {
  traceIds = new Map<string, string>();
  constructor(
    private readonly outbox: Outbox,
    private readonly dataSource: DataSource,
  ) {}

  @Post('raise')
  raise(): Promise<unknown> {
    return inUnitOfWork(this.dataSource, async (work) => this.outbox.add(work, [{ definition: TestHappenedHere, payload: { id: crypto.randomUUID(), key: 'k', seq: 0, behaviour: 'ok' } }])[0]);
  }

  @EventPattern({ group: 'tracing', event: TestHappenedHere.type })
  onTestHappened(@Payload() event: TestHappened): void {
    this.traceIds.set(event.eventId, currentContext()!.traceId);
  }
}

@Module({ controllers: [Shop] })
class ShopModule {}

describe('traces: a request, its outbox write, the relay publishing and the handling are one trace', () => {
  const kafka = testDriver('test');
  const db = unique('hs_tracing');
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    tracing = installTracing('demo', new SimpleSpanProcessor(exporter));
    await createTopic(kafka, topic, 3);
    const config = loadConfig('demo', ServiceConfig, { ...process.env, PORT: '1', DATABASE_NAME: db });
    const moduleRef = await Test.createTestingModule({
      imports: [PlatformModule.forRoot('demo', config), DatabaseModule.forRoot({ entities: [], migrations: [CreateMessagingTables1763800000000] }), MessagingModule.forRoot({ contract: [TestHappenedHere] }), ShopModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    await app.init();
    app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(EventTransport) });
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await tracing?.shutdown();
    await dropDatabase(db);
  });

  it("chains the spans HTTP request → outbox write → publish → handling under the caller's traceparent, and the handler's context has their trace id", async () => {
    const callerTrace = 'ab'.repeat(16);
    const callerSpan = 'cd'.repeat(8);
    const res = await fetch(`${base}/raise`, { method: 'POST', headers: { traceparent: `00-${callerTrace}-${callerSpan}-01` } });
    expect(res.status).toBe(201);
    const { eventId } = (await res.json()) as { eventId: string };

    const spans = () => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === callerTrace);
    const handled = await eventually('the handling span', async () => spans().find((s) => s.name === `process ${TestHappenedHere.type}`), (s) => s !== undefined);
    const named = (name: string) => spans().filter((s) => s.name === name);
    const [request] = named('POST /raise');
    const [write] = named('outbox write');
    const [publish] = named(`publish ${topic}`);
    expect([request, write, publish].every(Boolean)).toBe(true);

    expect(parentOf(request)).toBe(callerSpan);
    expect(parentOf(write)).toBe(request.spanContext().spanId);
    expect(parentOf(publish)).toBe(write.spanContext().spanId);
    expect(parentOf(handled!)).toBe(publish.spanContext().spanId);

    expect(request.kind).toBe(SpanKind.SERVER);
    expect(request.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/raise', 'http.response.status_code': 201 });
    expect(write.attributes).toMatchObject({ 'outbox.events': 1, eventTypes: [TestHappenedHere.type] });
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(publish.attributes).toMatchObject({ 'messaging.destination.name': topic, eventId, eventType: TestHappenedHere.type });
    expect(handled!.kind).toBe(SpanKind.CONSUMER);
    expect(handled!.attributes).toMatchObject({ eventId, eventType: TestHappenedHere.type, group: expect.stringMatching(/tracing$/), outcome: 'handled' });
    expect(handled!.resource.attributes['service.name']).toBe('demo');

    // Logs and traces agree: the handler's message context carries the trace its span is in.
    expect(app.get(Shop).traceIds.get(eventId)).toBe(callerTrace);
  });
});

/** The span id of a span's parent (SDK 2 keeps the parent's whole span context). */
function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
