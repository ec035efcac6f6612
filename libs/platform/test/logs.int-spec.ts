import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Logger, Module } from '@nestjs/common';
import { EventPattern, MicroserviceOptions, Payload } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { IsString, IsUUID } from 'class-validator';
import { defineEvent, EventOf, Topic } from '@homestore/events';
import { CreateMessagingTables1763800000000, driverFromEnv, EventTransport, MessagingModule } from '@homestore/messaging';
import { configureHttp, createServiceLogger, DatabaseModule, loadConfig, PlatformModule, ServiceConfig } from '@homestore/platform';
import { createTopics, dropDatabase, eventually, forgetGroups, TestPublisher } from '@homestore/testing';

const run = randomUUID().slice(0, 8);
const topic = `test.logs.${run}` as Topic;

class ParcelNotedPayload {
  @IsUUID() orderId: string;
  @IsString() note: string;
}

/** An event of one order, on a topic of this run's own. */
const ParcelNoted = defineEvent({
  type: 'ParcelNoted',
  version: 1,
  topic,
  producer: 'test',
  aggregateType: 'order',
  aggregateIdField: 'orderId',
  keyField: 'orderId',
  orderIdField: 'orderId',
  payload: ParcelNotedPayload,
  description: 'test',
});

/** Logs as every app's code does, with a Nest Logger of its own, once per request and once per event. */
@Controller('parcels')
class ParcelDesk {
  private readonly logger = new Logger(ParcelDesk.name);

  @Get()
  list(): string[] {
    this.logger.log('listing parcels');
    return [];
  }

  @EventPattern({ group: 'parcels', event: ParcelNoted.type })
  onParcelNoted(@Payload() event: EventOf<typeof ParcelNoted>): void {
    this.logger.log(`parcel noted: ${event.payload.note}`);
  }
}

@Module({ controllers: [ParcelDesk] })
class ParcelModule {}

describe('an app logs JSON lines that carry the ids of the request or event being handled (real Kafka and PostgreSQL)', () => {
  const database = `hs_test_logs_${run}`;
  const groupPrefix = `test-${run}.`;
  const kafka = driverFromEnv('logs-test');
  const publisher = new TestPublisher();
  /** Everything the app wrote, line by line, as runService's logger writes it to stdout. */
  const output: string[] = [];
  const lines = () => output.map((line) => JSON.parse(line) as Record<string, unknown>);
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    await createTopics(kafka, [topic]);
    await publisher.connect();
    const config = loadConfig('parcels', ServiceConfig, { ...process.env, PORT: '1', LOG_LEVEL: 'log', LOG_FORMAT: 'json', DATABASE_NAME: database, CONSUMER_GROUP_PREFIX: groupPrefix });
    const moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot('parcels', config),
        DatabaseModule.forRoot({ entities: [], migrations: [CreateMessagingTables1763800000000] }),
        MessagingModule.forRoot({ contract: [ParcelNoted] }),
        ParcelModule,
      ],
    }).compile();
    // As runService does, but into `output` instead of stdout.
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger: createServiceLogger('parcels', config, { write: (s: string) => void output.push(s) }) });
    configureHttp(app);
    await app.init();
    app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(EventTransport) });
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    await eventually('the consumer group to be ready', async () => (await fetch(`${base}/health/ready`)).status, (s) => s === 200);
  });

  afterAll(async () => {
    await app?.close();
    await publisher.disconnect();
    await forgetGroups(kafka, groupPrefix);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics([topic]).catch(() => undefined);
    await admin.disconnect();
    await dropDatabase(database);
  });

  it('writes every line as one JSON object with service, level, time, msg and context', () => {
    expect(output.length).toBeGreaterThan(0);
    expect(output.every((line) => line.endsWith('\n') && line.indexOf('\n') === line.length - 1)).toBe(true);
    const started = lines().find((l) => l.context === 'EventTransport' && String(l.msg).includes(topic));
    expect(started).toEqual({ service: 'parcels', level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), context: 'EventTransport', msg: expect.stringContaining('consumer group') });
  });

  it("an HTTP request's lines carry its request id and correlation id", async () => {
    const requestId = `req-${randomUUID()}`;
    const correlationId = `flow-${randomUUID()}`;
    const res = await fetch(`${base}/parcels`, { headers: { 'x-request-id': requestId, 'x-correlation-id': correlationId } });
    expect(res.status).toBe(200);
    const handling = lines().filter((l) => l.msg === 'listing parcels');
    expect(handling).toEqual([
      {
        service: 'parcels',
        level: 'info',
        time: expect.any(String),
        context: 'ParcelDesk',
        msg: 'listing parcels',
        requestId,
        correlationId,
        causationId: requestId,
        traceId: expect.stringMatching(/^[\da-f]{32}$/),
      },
    ]);
  });

  it("an event's lines carry its ids and its order, and `grep <orderId>` over the output finds them", async () => {
    const orderId = randomUUID();
    const event = await publisher.publish(ParcelNoted, { orderId, note: 'fragile' });
    await eventually('the event to be handled', async () => output.filter((l) => l.includes('parcel noted: fragile')).length, (n) => n === 1);
    const handling = lines().find((l) => l.msg === 'parcel noted: fragile');
    expect(handling).toEqual({
      service: 'parcels',
      level: 'info',
      time: expect.any(String),
      context: 'ParcelDesk',
      msg: 'parcel noted: fragile',
      correlationId: event.correlationId,
      causationId: event.eventId,
      traceId: expect.stringMatching(/^[\da-f]{32}$/),
      eventId: event.eventId,
      eventType: 'ParcelNoted',
      orderId,
    });
    // What `grep <orderId>` over the app's output prints: the handler's line, then the consumer's once the handling
    // committed (the same ids), and nothing of any other flow.
    const { msg, context, ...ids } = handling!;
    expect([msg, context]).toEqual(['parcel noted: fragile', 'ParcelDesk']);
    await eventually('the line saying it was handled', async () => output.filter((l) => l.includes(orderId)).length, (n) => n === 2);
    expect(output.filter((line) => line.includes(orderId)).map((line) => JSON.parse(line))).toEqual([
      handling,
      { ...ids, time: expect.any(String), context: 'EventHandled', msg: `ParcelNoted handled by ${groupPrefix}parcels` },
    ]);
  });
});
