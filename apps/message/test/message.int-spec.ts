import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  DeliveryCanceled,
  DeliveryCompleted,
  DeliveryStarted,
  EventDefinition,
  EventEnvelope,
  PaymentFailed,
  PaymentRefunded,
  PaymentVoided,
  PayloadOf,
  StockReservationFailed,
  Topics,
  UserProfileUpdated,
  UserRegistered,
} from '@homestore/events';
import { EventContext, inLanes } from '@homestore/messaging';
import { inUnitOfWork, UnitOfWork } from '@homestore/persistence';
import { MessageEventsHandler } from '../src/message-events.handler';
import { MessageConfig } from '../src/message.config';
import { MessageModule } from '../src/message.module';
import { Notices } from '../src/notices';
import { Contact, Notifier, OutgoingMessage } from '../src/notifier';
import { call, createTopics, dropDatabase, eventually, ConsumedMessage, startApp, TestIssuer, TestPublisher, walkPages } from '@homestore/testing';

/** Remembers what would have been sent. */
class RecordingNotifier extends Notifier {
  readonly sent: { to: Contact; message: OutgoingMessage }[] = [];
  async send(to: Contact, message: OutgoingMessage): Promise<void> {
    this.sent.push({ to, message });
  }
}

describe('message service (real Kafka and PostgreSQL)', () => {
  const database = `hs_message_${randomUUID().slice(0, 8)}`;
  const issuer = new TestIssuer();
  const publisher = new TestPublisher();
  const notifier = new RecordingNotifier();
  let app: INestApplication;
  let base: string;
  let close: () => Promise<void>;
  let clock = Date.parse('2026-11-22T10:00:00.000Z');

  /** Events in the order they happened, a second apart, so "newest first" is well defined. */
  const envelope = <D extends EventDefinition>(definition: D, payload: PayloadOf<D>) => ({
    ...publisher.envelope(definition, payload),
    occurredAt: new Date((clock += 1000)).toISOString(),
  });
  const handled = (...events: EventEnvelope[]) => {
    const ids = [...new Set(events.map((e) => e.eventId))];
    return eventually(
      'the events to be handled',
      async () => (await app.get(DataSource).query(`SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1)`, [ids]))[0].n,
      (n) => n === ids.length,
    );
  };
  /** Publishes the events one after another, then waits until all are handled. */
  const happened = async (...events: [EventDefinition, EventEnvelope][]) => {
    for (const [definition, e] of events) await publisher.send(definition, e);
    await handled(...events.map(([, e]) => e));
  };
  /** The customer's first page of messages (every message, in these tests): `body` is its list. */
  const messagesOf = async (customerId: string) => {
    const { status, body } = await call(base, 'GET', '/messages', await issuer.token(customerId));
    expect(status === 200 ? body.nextCursor : null).toBeNull();
    return { status, body: status === 200 ? body.messages : body };
  };
  const sentTo = (ids: string[]) => notifier.sent.filter((s) => ids.includes(s.message.id));
  /** Hands an event to its `@EventPattern` method (`on<EventType>`) in `work`, as the consumer does. */
  const handle = (work: UnitOfWork, e: EventEnvelope) => {
    const handler = app.get(MessageEventsHandler) as unknown as Record<string, (event: EventEnvelope, ctx: EventContext) => Promise<void>>;
    return handler[`on${e.eventType}`](e, new EventContext([work, {} as ConsumedMessage, '', 0, 'message']));
  };
  /**
   * Handles events as the consumer handles a run: one unit of work in one transaction, the events of one Kafka key in
   * order, the keys side by side. Answers the statements the handlers and the flush ran.
   */
  const handleRun = async (events: EventEnvelope[]) => {
    let statements = 0;
    await inUnitOfWork(app.get(DataSource), (work) => {
      const query = work.em.query.bind(work.em);
      work.em.query = ((...args: Parameters<typeof query>) => (statements++, query(...args))) as typeof query;
      return inLanes(events, (e) => (e.payload as { orderId?: string }).orderId ?? (e.payload as { userId: string }).userId, (e) => handle(work, e));
    });
    return statements;
  };
  const registered = (userId: string, role: 'customer' | 'store' = 'customer') =>
    envelope(UserRegistered, { userId, email: `${userId.slice(0, 8)}@example.com`, name: 'Kim Minji', phone: '010-1234-5678', role });

  beforeAll(async () => {
    await issuer.start();
    await publisher.connect();
    await createTopics(publisher.driver, [Topics.User, Topics.Payment, Topics.Store, Topics.Delivery]);
    ({ app, base, close } = await startApp('message', MessageConfig, (c) => MessageModule.register(c), { DATABASE_NAME: database, AUTH_JWKS_URL: issuer.jwksUrl }, [
      [Notifier, notifier],
    ]));
  });

  afterAll(async () => {
    await close?.();
    await publisher.disconnect();
    await issuer.stop();
    await dropDatabase(database);
  });

  it('welcomes a customer who registers, and sends it to the contact; the store clerk gets no welcome', async () => {
    const customer = randomUUID();
    const clerk = randomUUID();
    await happened([UserRegistered, registered(customer)], [UserRegistered, registered(clerk, 'store')]);
    const { status, body } = await messagesOf(customer);
    expect(status).toBe(200);
    expect(body).toEqual([{ id: expect.any(String), type: 'WELCOME', orderId: null, text: 'Welcome to Homestore, Kim Minji!', createdAt: expect.any(String) }]);
    expect((await call(base, 'GET', '/messages', await issuer.token(customer))).body).toEqual({ messages: body, nextCursor: null });
    expect(sentTo([body[0].id]).map((s) => s.to)).toEqual([{ email: `${customer.slice(0, 8)}@example.com`, name: 'Kim Minji', phone: '010-1234-5678' }]);
    expect((await app.get(DataSource).query(`SELECT count(*)::int AS n FROM notifications WHERE customer_id = $1`, [clerk]))[0].n).toBe(0);
  });

  it('stores one notification of each type per event, for the right customer, newest first, however often an event arrives', async () => {
    const customer = randomUUID();
    const [declined, short, canceled] = [randomUUID(), randomUUID(), randomUUID()];
    const common = (orderId: string) => ({ orderId, customerId: customer });
    const earlier: [EventDefinition, EventEnvelope][] = [
      [UserRegistered, registered(customer)],
      [PaymentFailed, envelope(PaymentFailed, { paymentId: randomUUID(), ...common(declined), amount: 1000, reason: 'CARD_DECLINED' })],
      [StockReservationFailed, envelope(StockReservationFailed, { storeOrderId: randomUUID(), ...common(short), items: [{ productId: randomUUID(), quantity: 1 }], shortProductIds: [randomUUID()] })],
      [PaymentRefunded, envelope(PaymentRefunded, { paymentId: randomUUID(), ...common(short), amount: 1000, cause: 'OUT_OF_STOCK' })],
    ];
    const started = envelope(DeliveryStarted, { deliveryId: randomUUID(), ...common(canceled) });
    await happened(
      ...earlier,
      [DeliveryStarted, started],
      [DeliveryStarted, started],
      [DeliveryCanceled, envelope(DeliveryCanceled, { deliveryId: randomUUID(), ...common(canceled) })],
      [PaymentRefunded, envelope(PaymentRefunded, { paymentId: randomUUID(), ...common(canceled), amount: 2_500_000, cause: 'ORDER_CANCELED' })],
      [DeliveryCompleted, envelope(DeliveryCompleted, { deliveryId: randomUUID(), ...common(randomUUID()) })],
    );
    const { body } = await messagesOf(customer);
    expect(body.map((m: { type: string }) => m.type)).toEqual([
      'DELIVERY_COMPLETED',
      'ORDER_CANCELED',
      'DELIVERY_CANCELED',
      'DELIVERY_STARTED',
      'ORDER_REJECTED',
      'ORDER_REJECTED',
      'WELCOME',
    ]);
    expect(body.slice(1, 6).map((m: { orderId: string }) => m.orderId)).toEqual([canceled, canceled, canceled, short, declined]);
    expect(body[1].text).toContain('2,500,000 won refunded');
    const createdAt = body.map((m: { createdAt: string }) => m.createdAt);
    expect([...createdAt].sort().reverse()).toEqual(createdAt);
    // each sent exactly once
    expect(sentTo(body.map((m: { id: string }) => m.id)).map((s) => s.message.id).sort()).toEqual(body.map((m: { id: string }) => m.id).sort());
  });

  it('tells the customer of an order canceled before its charge (PaymentVoided) once, however often it arrives', async () => {
    const customer = randomUUID();
    const orderId = randomUUID();
    const welcome = registered(customer);
    const voided = envelope(PaymentVoided, { paymentId: randomUUID(), orderId, customerId: customer, cause: 'ORDER_CANCELED' });
    await happened([UserRegistered, welcome], [PaymentVoided, voided], [PaymentVoided, voided]);
    // A redelivery that passed the inbox (its row lost with a crash before the offset commit) stores and sends nothing.
    await handleRun([voided]);
    const { body } = await messagesOf(customer);
    expect(body).toEqual([
      { id: expect.any(String), type: 'ORDER_CANCELED', orderId, text: `Your order ${orderId.slice(0, 8)} was canceled. Nothing was charged.`, createdAt: voided.occurredAt },
      expect.objectContaining({ type: 'WELCOME' }),
    ]);
    expect(sentTo([body[0].id]).map((s) => [s.message.type, s.to.phone])).toEqual([['ORDER_CANCELED', '010-1234-5678']]);
  });

  it('keeps a notice for a customer whose contact has not arrived yet, and sends it once the contact arrives', async () => {
    const customer = randomUUID();
    await happened([DeliveryStarted, envelope(DeliveryStarted, { deliveryId: randomUUID(), orderId: randomUUID(), customerId: customer })]);
    const before = (await messagesOf(customer)).body;
    expect(before.map((m: { type: string }) => m.type)).toEqual(['DELIVERY_STARTED']);
    expect(sentTo([before[0].id])).toEqual([]);

    await happened([UserRegistered, registered(customer)]);
    const after = (await messagesOf(customer)).body;
    expect(after.map((m: { type: string }) => m.type).sort()).toEqual(['DELIVERY_STARTED', 'WELCOME']);
    expect(sentTo(after.map((m: { id: string }) => m.id)).map((s) => [s.message.type, s.to.phone])).toEqual([
      ['DELIVERY_STARTED', '010-1234-5678'],
      ['WELCOME', '010-1234-5678'],
    ]);
  });

  it('sends later notices to the contact as the customer last updated it', async () => {
    const customer = randomUUID();
    const email = `${customer.slice(0, 8)}@example.com`;
    await happened(
      [UserRegistered, registered(customer)],
      [UserProfileUpdated, envelope(UserProfileUpdated, { userId: customer, email, name: 'Kim Minji', phone: '010-9999-0000' })],
    );
    await happened(
      [DeliveryCompleted, envelope(DeliveryCompleted, { deliveryId: randomUUID(), orderId: randomUUID(), customerId: customer })],
    );
    const [completed] = (await messagesOf(customer)).body;
    expect(sentTo([completed.id]).map((s) => s.to)).toEqual([{ email, name: 'Kim Minji', phone: '010-9999-0000' }]);
  });

  it('handles a run of events (one transaction, lanes by Kafka key) as one event at a time would: each notice once, each to the contact of its moment', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const phoneOf = (phone: string) => ({ email: `${a.slice(0, 8)}@example.com`, name: 'Kim Minji', phone });
    // Stored before the run, unsent: a has no contact yet; b has one.
    await happened(
      [DeliveryStarted, envelope(DeliveryStarted, { deliveryId: randomUUID(), orderId: randomUUID(), customerId: a })],
      [UserRegistered, registered(b)],
    );
    const completed = (customerId: string) => envelope(DeliveryCompleted, { deliveryId: randomUUID(), orderId: randomUUID(), customerId });
    const contactOfA = (phone: string) => envelope(UserProfileUpdated, { userId: a, ...phoneOf(phone) });
    const [a1, first] = [completed(a), contactOfA('010-0000-0001')];
    const [b1, a2, second] = [completed(b), completed(a), contactOfA('010-0000-0002')];
    const sentBefore = notifier.sent.length;
    // The customers' locks, their contacts and waiting notifications, the contact, the notifications: four statements.
    expect(await handleRun([a1, first, b1, a2, second, b1])).toBe(4);
    // The same events again (a redelivery that passed the inbox) send nothing and store nothing.
    await handleRun([a1, a2, b1]);

    // The lanes run side by side, so only each customer's own sends have an order to check.
    const sent = notifier.sent.slice(sentBefore);
    const sendsTo = (customer: string) => sent.filter((s) => s.to.email === `${customer.slice(0, 8)}@example.com`).map((s) => [s.message.type, s.message.text, s.to.phone]);
    expect(sent).toHaveLength(4);
    expect(sendsTo(a)).toEqual([
      ['DELIVERY_STARTED', expect.any(String), '010-0000-0001'], // stored before the run, waiting for a's first contact
      ['DELIVERY_COMPLETED', Notices.deliveryCompleted(a1.payload).text, '010-0000-0001'],
      ['DELIVERY_COMPLETED', Notices.deliveryCompleted(a2.payload).text, '010-0000-0001'],
    ]);
    expect(sendsTo(b)).toEqual([['DELIVERY_COMPLETED', Notices.deliveryCompleted(b1.payload).text, '010-1234-5678']]);
    expect((await messagesOf(a)).body.map((m: { type: string }) => m.type)).toEqual(['DELIVERY_COMPLETED', 'DELIVERY_COMPLETED', 'DELIVERY_STARTED']);
    expect((await messagesOf(b)).body.map((m: { type: string }) => m.type)).toEqual(['DELIVERY_COMPLETED', 'WELCOME']);
    const [contact] = await app.get(DataSource).query(`SELECT phone FROM contacts WHERE user_id = $1`, [a]);
    expect(contact.phone).toBe('010-0000-0002');
    const unsent = await app.get(DataSource).query(`SELECT count(*)::int AS n FROM notifications WHERE customer_id = ANY($1) AND sent_at IS NULL`, [[a, b]]);
    expect(unsent[0].n).toBe(0);
  });

  it('sends a notice and the first contact that race in two transactions exactly once: the customer lock makes one wait for the other', async () => {
    for (let round = 0; round < 5; round++) {
      const customer = randomUUID();
      const started = envelope(DeliveryStarted, { deliveryId: randomUUID(), orderId: randomUUID(), customerId: customer });
      const contact = envelope(UserProfileUpdated, { userId: customer, email: 'kim@example.com', name: 'Kim Minji', phone: '010-5555-0000' });
      await Promise.all(round % 2 ? [handleRun([started]), handleRun([contact])] : [handleRun([contact]), handleRun([started])]);
      const [message] = (await messagesOf(customer)).body;
      expect(sentTo([message.id]).map((s) => s.to.phone)).toEqual(['010-5555-0000']);
    }
  });

  it('sends nothing, and keeps nothing, of a transaction that rolls back; the retry sends it once', async () => {
    const customer = randomUUID();
    await happened([UserRegistered, registered(customer)]);
    const started = envelope(DeliveryStarted, { deliveryId: randomUUID(), orderId: randomUUID(), customerId: customer });
    const sentBefore = notifier.sent.length;
    await expect(
      inUnitOfWork(app.get(DataSource), async (work) => {
        await handle(work, started);
        await work.flush(); // the notification is written, then the transaction fails
        throw new Error('the run failed');
      }),
    ).rejects.toThrow('the run failed');
    expect(notifier.sent.slice(sentBefore)).toEqual([]);
    expect((await messagesOf(customer)).body.map((m: { type: string }) => m.type)).toEqual(['WELCOME']);

    await handleRun([started]);
    const [notice] = (await messagesOf(customer)).body;
    expect(notice.type).toBe('DELIVERY_STARTED');
    expect(notifier.sent.slice(sentBefore).map((s) => s.message.id)).toEqual([notice.id]);
  });

  it('pages through 120 messages newest first while more arrive: none skipped or repeated, 50 a page unless told, at most 200; 400 for a bad limit or cursor', async () => {
    const customer = randomUUID();
    const token = await issuer.token(customer);
    const get = (path: string) => call(base, 'GET', path, token);
    /** A DeliveryStarted for the customer, happened at `occurredAt`. */
    const started = (occurredAt: string) => ({ ...publisher.envelope(DeliveryStarted, { deliveryId: randomUUID(), orderId: randomUUID(), customerId: customer }), occurredAt });
    // 120 notices, three at each of 40 instants: ties the page order breaks by id.
    const instants = Array.from({ length: 40 }, () => new Date((clock += 1000)).toISOString());
    const first = instants.flatMap((at) => [started(at), started(at), started(at)]);
    await happened(...first.map((e): [EventDefinition, EventEnvelope] => [DeliveryStarted, e]));

    const all = await walkPages<{ id: string; createdAt: string }>(get, '/messages', 'messages', { limit: 200 });
    expect(all.pages).toEqual([120]);
    expect(new Set(all.rows.map((m) => m.id)).size).toBe(120);
    const keys = all.rows.map((m) => `${m.createdAt}|${m.id}`);
    expect(keys).toEqual([...new Set(keys)].sort().reverse());

    // Walked 17 at a time while notices keep arriving, handled while the walk goes on: newer ones, and ones of
    // instants already listed (as out-of-order delivery brings them), behind the page reached and ahead of it.
    const arriving: EventEnvelope[] = [];
    const walk = await walkPages<{ id: string }>(get, '/messages', 'messages', {
      limit: 17,
      between: async (page) => {
        const more = [started(new Date((clock += 1000)).toISOString()), started(instants[39 - 4 * page]), started(instants[Math.max(0, 39 - 8 * page)])];
        arriving.push(...more);
        for (const e of more) await publisher.send(DeliveryStarted, e);
      },
    });
    await handled(...arriving);
    const walked = walk.rows.map((m) => m.id);
    expect(walked.length).toBe(new Set(walked).size); // none repeated
    expect(walked.filter((id) => all.rows.some((m) => m.id === id))).toEqual(all.rows.map((m) => m.id)); // none skipped, same order
    expect(walk.pages.slice(0, -1).every((n) => n === 17)).toBe(true);
    expect(walk.pages.at(-1)).toBeLessThanOrEqual(17);

    // 50 a page unless told, the next page from the cursor; at most 200 a page.
    const now = await walkPages<{ id: string }>(get, '/messages', 'messages', { limit: 200 });
    expect(now.rows).toHaveLength(120 + arriving.length);
    const firstPage = await get('/messages');
    expect(firstPage.status).toBe(200);
    expect(firstPage.body.messages.map((m: { id: string }) => m.id)).toEqual(now.rows.slice(0, 50).map((m) => m.id));
    const secondPage = await get(`/messages?before=${firstPage.body.nextCursor}`);
    expect(secondPage.body.messages.map((m: { id: string }) => m.id)).toEqual(now.rows.slice(50, 100).map((m) => m.id));
    expect((await walkPages(get, '/messages', 'messages')).pages).toEqual([50, 50, now.rows.length - 100]);
    for (const limit of ['0', '201', 'ten', '']) {
      expect([limit, await get(`/messages?limit=${limit}`)]).toEqual([
        limit,
        { status: 400, body: expect.objectContaining({ code: 'REQUEST.VALIDATION_FAILED', fields: [expect.objectContaining({ field: 'limit' })] }) },
      ]);
    }
    const edited = Buffer.from(`2026-02-30T10:00:00.000000Z|${randomUUID()}`).toString('base64url');
    for (const before of ['bm9wZQ', edited, `${firstPage.body.nextCursor}x`]) {
      expect([before, await get(`/messages?before=${before}`)]).toEqual([before, { status: 400, body: expect.objectContaining({ code: 'MESSAGE.INVALID_CURSOR' }) }]);
    }
  });

  it("shows each customer only their own messages; the store has none to read here", async () => {
    const customer = randomUUID();
    await happened([UserRegistered, registered(customer)]);
    expect((await messagesOf(randomUUID())).body).toEqual([]);
    expect((await call(base, 'GET', '/messages', await issuer.token(randomUUID(), 'store'))).status).toBe(403);
    expect((await call(base, 'GET', '/messages')).status).toBe(401);
  });
});
