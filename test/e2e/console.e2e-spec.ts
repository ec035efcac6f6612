import type { Server } from 'node:http';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { PaymentApproved } from '@homestore/events';
import { createKafka, createProducer } from '@homestore/messaging';
import { eventually } from '@homestore/testing';
import { ConsoleAccess } from '../../tools/console/src/access';
import { startConsole } from '../../tools/console/src/server';
import { call, handledSoFar, logIn, newCustomer, ROOT, Shop, startShop } from './shop';

/*
 * The developer console in a real headless browser (Debian's chromium, driven by playwright-core: no browser
 * download) against the running shop: an order placed through the gateway is seen as swimlanes, and a dead letter
 * is replayed with the page's button, the same operation as `npm run dlq:replay`.
 */

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const CHROMIUM = '/usr/bin/chromium';

describe('the developer console, in a headless browser, against the running shop', () => {
  let shop: Shop;
  let browser: Browser;
  let page: Page;
  let consoleUrl: string;
  const servers: Server[] = [];
  const kafka = createKafka('console-e2e', BROKERS);
  let orderId: string;

  beforeAll(async () => {
    shop = await startShop({ env: { RATE_LIMIT_IP: '100000', RATE_LIMIT_USER: '100000' } });
    const local = await startConsole({ kafka, access: ConsoleAccess.forHost('127.0.0.1') }, '127.0.0.1', 0);
    servers.push(local.server);
    consoleUrl = local.url;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await shop?.stop();
  }, 60_000);

  /** Clicks `button` until `probe`, read from the page, satisfies `ok`: the page shows the bus as it was when asked. */
  async function untilPageShows<T>(what: string, button: string, probe: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    return eventually(
      what,
      async () => {
        await page.click(button);
        await page.waitForLoadState('networkidle');
        return probe();
      },
      ok,
      60_000,
    );
  }

  const lanes = () => page.$$eval('#timeline tr[data-lane]', (rows) => rows.map((r) => r.getAttribute('data-lane')));
  /** The column (time order) of the first event of a type in a lane, or -1. */
  const columnOf = (lane: string, type: string) =>
    page.$eval('#timeline', (table, [l, t]) => {
      const cell = table.querySelector(`tr[data-lane="${l}"] [data-type="${t}"]`)?.closest('td');
      return cell ? [...cell.parentElement!.children].indexOf(cell) : -1;
    }, [lane, type]);

  it("shows an order placed through the gateway as its saga's timeline, one lane per service, in time order", async () => {
    const gw = shop.gateway;
    const customer = await newCustomer(gw, 'console');
    const clerk = await logIn(gw, shop.clerk.email, shop.clerk.password);
    const product = ((await call(gw, 'GET', '/products')).body as { id: string; stock: number }[]).sort((a, b) => b.stock - a.stock)[0];
    const body = { items: [{ productId: product.id, quantity: 1 }], deliveryAddress: '12 Teheran-ro, Gangnam-gu, Seoul', deliveryPhone: '010-1234-5678', payment: { method: 'card', cardToken: 'tok_visa' } };
    const placed = await eventually('the order service to know the product', () => call(gw, 'POST', '/orders', customer.token, body), (r) => r.status === 201);
    orderId = placed.body.id;
    await eventually('the order RECEIVED', () => call(gw, 'GET', `/orders/${orderId}`, customer.token), (r) => r.body?.status === 'RECEIVED');
    expect((await call(gw, 'POST', `/store/orders/${orderId}/accept`, clerk)).status).toBe(200);
    await eventually('the order SHIPPING', () => call(gw, 'GET', `/orders/${orderId}`, customer.token), (r) => r.body?.status === 'SHIPPING');

    await page.goto(`${consoleUrl}/#order=${orderId}`);
    await untilPageShows('the timeline to have the delivery lane', '#follow button', lanes, (l) => l.includes('delivery'));
    expect(await lanes()).toEqual(expect.arrayContaining(['order', 'payment', 'ordermanagement', 'delivery']));
    expect(await page.textContent('#saga-status')).toContain(`for order ${orderId}`);
    const placedAt = await columnOf('order', 'OrderPlaced');
    const paidAt = await columnOf('payment', 'PaymentApproved');
    expect(placedAt).toBeGreaterThan(0);
    expect(paidAt).toBeGreaterThan(placedAt);
    // Each event in its producer's lane only.
    expect(await columnOf('payment', 'OrderPlaced')).toBe(-1);
  }, 150_000);

  it('lists a dead letter with its reason and replays it with the button; its group reads it again', async () => {
    expect(orderId).toBeDefined();
    // Half an envelope (no eventId, causation, producer, payload fields): every group that handles PaymentApproved
    // dead-letters it.
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({
      topic: PaymentApproved.topic,
      acks: -1,
      messages: [{ key: orderId, value: JSON.stringify({ eventType: 'PaymentApproved', eventVersion: 1, orderId, payload: {} }), headers: { eventType: 'PaymentApproved' } }],
    });
    await producer.disconnect();

    const ours = `#dlq-rows tr[data-dlq-topic^="${PaymentApproved.topic}.${shop.groupPrefix}"]`;
    const letters = () => page.$$eval(ours, (rows) => rows.map((r) => ({ topic: r.getAttribute('data-dlq-topic')!, partition: r.getAttribute('data-partition')!, offset: r.getAttribute('data-offset')!, replayedFrom: r.getAttribute('data-replayed-from'), reason: r.querySelector('.reason')!.getAttribute('title')! })));
    const [letter] = await untilPageShows('the dead letter to be listed', '#dlq-refresh', letters, (l) => l.length > 0);
    expect(letter.replayedFrom).toBeNull();
    expect(letter.reason).toMatch(/eventId/);

    const row = `#dlq-rows tr[data-dlq-topic="${letter.topic}"][data-partition="${letter.partition}"][data-offset="${letter.offset}"]`;
    await page.click(`${row} button.replay`);
    await page.waitForSelector('#dlq-status:has-text("replayed")');
    expect(await page.textContent('#dlq-status')).toBe(`replayed 1 dead letter(s) from ${letter.topic} to ${PaymentApproved.topic}`);

    // Its group handled the replayed event: still half an envelope, it is dead-lettered again, naming the replay.
    const group = letter.topic.slice(`${PaymentApproved.topic}.${shop.groupPrefix}`.length, -'.dlq'.length);
    await handledSoFar(shop, group, PaymentApproved.topic);
    const again = await untilPageShows('the replay to come back as a dead letter', '#dlq-refresh', letters, (l) => l.some((x) => x.topic === letter.topic && x.replayedFrom));
    expect(again.find((x) => x.replayedFrom)).toMatchObject({ topic: letter.topic, replayedFrom: `${letter.topic}@${letter.partition}:${letter.offset}`, reason: letter.reason });

    // The order's timeline shows where it went wrong, in a lane of its own.
    await untilPageShows('the dead letters in the timeline', '#follow button', lanes, (l) => l.includes('dead letters'));
    await page.waitForSelector('#saga-status:has-text("event(s) for order")');
    await page.screenshot({ path: join(ROOT, 'docs', 'console.png') });
  }, 150_000);

  it('beyond this machine, answers only a store-role bearer token, checked against the user service', async () => {
    const user = shop.procs.find((p) => p.name === 'user')!;
    const access = ConsoleAccess.forHost('0.0.0.0', { AUTH_JWKS_URL: `${user.url}/.well-known/jwks.json` });
    const open = await startConsole({ kafka, access }, '0.0.0.0', 0);
    servers.push(open.server);
    const api = `http://127.0.0.1:${new URL(open.url).port}/api/topics`;
    const status = async (token?: string) => (await fetch(api, { headers: token ? { authorization: `Bearer ${token}` } : {} })).status;
    expect(await status()).toBe(401);
    expect(await status('not-a-token')).toBe(401);
    expect(await status((await newCustomer(shop.gateway, 'nosy')).token)).toBe(403);
    expect(await status(await logIn(shop.gateway, shop.clerk.email, shop.clerk.password))).toBe(200);
  }, 60_000);
});
