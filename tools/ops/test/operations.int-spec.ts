import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { deadLetterTopic, EventEnvelope, Topics } from '@homestore/events';
import { EventConsumer, EventContext, PermanentError } from '@homestore/messaging';
import {
  createTopic,
  effectHandler,
  eventually,
  newMetrics,
  openSandbox,
  outcomes,
  Sandbox,
  testEnvelope,
  testEvent,
  TestHappened,
  testDriver,
  unique,
} from '../../../libs/messaging/test/support';
import { consumerLag, deadLetterTopics, followOrder, listDeadLetters, readTopic, replayDeadLetters, SAGA_TOPICS } from '../src/operations';

const ROOT = join(__dirname, '..', '..', '..');

describe('operator commands against the real broker', () => {
  const kafka = testDriver('test');
  let sandbox: Sandbox;

  beforeEach(async () => {
    sandbox = await openSandbox('ops', 3);
  });

  afterEach(() => sandbox.close());

  const base = Date.now();

  /** A test event; its occurredAt is `seq` seconds after the start, so timelines have a known order. */
  const envelope = (key: string, seq: number, extra: Partial<EventEnvelope> = {}): EventEnvelope =>
    testEnvelope(key, seq, 'ok', { occurredAt: new Date(base + seq * 1000).toISOString(), ...extra });

  const send = (topic: string, ...events: EventEnvelope[]) =>
    sandbox.producer.send([{ topic, messages: events.map((e) => ({ key: e.aggregateId, value: JSON.stringify(e), headers: { eventType: e.eventType } })) }]);

  const effects = async () => (await sandbox.ds.query(`SELECT seq FROM effects ORDER BY n`)).map((r: { seq: number }) => r.seq);

  it('lists the dead letter of a poison message, replays it once the cause is fixed, and it is processed once', async () => {
    const group = unique('ops-group');
    let causeFixed = false;
    const record = effectHandler('ops');
    const handle = async (event: TestHappened, ctx: EventContext) => {
      if (event.payload.seq === 13 && !causeFixed) throw new PermanentError('no price for this product yet');
      await record(event, ctx);
    };
    const metrics = newMetrics();
    const consumer = new EventConsumer({ driver: kafka, dataSource: sandbox.ds, producer: sandbox.producer, metrics, group, handlers: [{ definition: testEvent(sandbox.topic), handle }] });
    sandbox.running.push(consumer);
    await consumer.start();
    const poison = envelope('order-1', 13);
    await send(sandbox.topic, poison, envelope('order-1', 14));
    await eventually('the good message to pass the poison one', effects, (e) => e.length === 1);

    const dlq = deadLetterTopic(sandbox.topic, group);
    expect(await deadLetterTopics(kafka, group)).toEqual([dlq]);
    const [letter, ...others] = await listDeadLetters(kafka, [dlq]);
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ group, originalTopic: sandbox.topic, reason: 'no price for this product yet', attempts: '1', key: 'order-1' });
    expect(letter.envelope?.eventId).toBe(poison.eventId);

    causeFixed = true;
    expect(await replayDeadLetters(kafka, dlq, { offsets: [`${letter.partition}:${letter.offset}`] })).toHaveLength(1);
    await eventually('the replayed event to take effect', effects, (e) => e.includes(13));

    // Replaying it again changes nothing: the inbox knows the event.
    expect(await replayDeadLetters(kafka, dlq, {})).toHaveLength(1);
    await eventually('the second replay to be seen', () => outcomes(metrics), (o) => o.duplicate === 1);
    expect((await effects()).sort()).toEqual([13, 14]);
  });

  it('reports each partition of a group with its committed offset, end and lag', async () => {
    const group = unique('lag-group');
    const consumer = new EventConsumer({ driver: kafka, dataSource: sandbox.ds, producer: sandbox.producer, metrics: newMetrics(), group, handlers: [{ definition: testEvent(sandbox.topic), handle: effectHandler('lag') }] });
    await consumer.start();
    await send(sandbox.topic, envelope('a', 1), envelope('b', 2), envelope('c', 3));
    await eventually('all three handled', effects, (e) => e.length === 3);
    await eventually('offsets committed', () => consumerLag(kafka, group), (rows) => rows.length > 0 && rows.every((r) => r.lag === 0));
    await consumer.stop();
    await send(sandbox.topic, envelope('a', 4), envelope('a', 5));
    const rows = await consumerLag(kafka, group);
    expect(rows.reduce((sum, r) => sum + r.lag, 0)).toBe(2);
    expect(rows.every((r) => r.group === group && r.topic === sandbox.topic)).toBe(true);
  });

  it("follows one order's events across topics as a timeline, oldest first", async () => {
    const other = unique('test.ops-other');
    await createTopic(kafka, other, 2);
    const orderId = randomUUID();
    const customerId = randomUUID();
    await send(sandbox.topic, envelope(orderId, 1, { orderId }), envelope(randomUUID(), 2), envelope(orderId, 5, { orderId, eventType: 'Later' }));
    // Keyed by the customer, as on mileage.events.v1: found by the envelope's orderId; the customer's other events are not the order's.
    await send(other, envelope(orderId, 3, { orderId, eventType: 'Between' }), envelope(customerId, 4, { orderId, eventType: 'KeyedByCustomer' }), envelope(customerId, 6, { eventType: 'Welcome' }));
    const timeline = await followOrder(kafka, orderId, [sandbox.topic, other]);
    expect(timeline.map((r) => [r.envelope?.eventType, r.envelope?.payload.seq])).toEqual([
      ['TestHappened', 1],
      ['Between', 3],
      ['KeyedByCustomer', 4],
      ['Later', 5],
    ]);
    expect((await readTopic(kafka, sandbox.topic)).length).toBe(3);
  });

  it('follows an order through every topic of its saga, the mileage topic included, and no user or product topic', () => {
    expect([...SAGA_TOPICS].sort()).toEqual([Topics.Delivery, Topics.Mileage, Topics.Order, Topics.Payment, Topics.Store].sort());
  });

  it('answers --help, and a usage error with exit code 2 and what is wrong', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'tools/ops/src/cli.ts'), ...args], {
        cwd: ROOT,
        env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
        encoding: 'utf8',
      });
    const help = cli('dlq-replay', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--offset/);
    const wrong = cli('dlq-replay', 'order.events.v1.payment.dlq');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/--offset .* or --all/);
    const notDlq = cli('dlq-replay', 'order.events.v1', '--all');
    expect([notDlq.status, notDlq.stderr]).toEqual([2, expect.stringMatching(/not a dead-letter topic/)]);
  });
});
