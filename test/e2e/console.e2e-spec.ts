import type { Server } from 'node:http';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { DeliveryStarted, PaymentApproved, UserRegistered } from '@homestore/events';
import { driverFromEnv } from '@homestore/messaging';
import { eventually } from '@homestore/testing';
import { ConsoleAccess } from '../../tools/console/src/access';
import { startConsole } from '../../tools/console/src/server';
import { call, handledSoFar, inDatabase, logIn, newCustomer, ROOT, Shop, startShop } from './shop';

/*
 * The developer console in a real headless browser (Debian's chromium, driven by playwright-core: no browser
 * download) against the running shop: an order placed through the gateway is seen as swimlanes, dead letters are
 * listed with their reasons, and one whose cause was mended is replayed with the page's button (the same operation as
 * `npm run dlq:replay`) and handled.
 */

const CHROMIUM = '/usr/bin/chromium';

describe('the developer console, in a headless browser, against the running shop', () => {
  let shop: Shop;
  let browser: Browser;
  let page: Page;
  let consoleUrl: string;
  const servers: Server[] = [];
  const driver = driverFromEnv('console-e2e');
  let orderId: string;

  beforeAll(async () => {
    shop = await startShop({ env: { RATE_LIMIT_IP: '100000', RATE_LIMIT_USER: '100000' } });
    const local = await startConsole({ driver, access: ConsoleAccess.forHost('127.0.0.1') }, '127.0.0.1', 0);
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

  /** The rows of our run's dead letters of a topic, as the page lists them. */
  const lettersOf = (topic: string) => () =>
    page.$$eval(`#dlq-rows tr[data-dlq-topic^="${topic}.${shop.groupPrefix}"]`, (rows) =>
      rows.map((r) => ({ topic: r.getAttribute('data-dlq-topic')!, partition: r.getAttribute('data-partition')!, offset: r.getAttribute('data-offset')!, replayedFrom: r.getAttribute('data-replayed-from'), reason: r.querySelector('.reason')!.getAttribute('title')! })),
    );

  it('lists a malformed event dead-lettered by every group that reads it, with the reason, and shows it on the order\'s timeline', async () => {
    expect(orderId).toBeDefined();
    // Half an envelope (no eventId, causation, producer, payload fields): every group that handles PaymentApproved
    // dead-letters it at once; no retry can mend it.
    const producer = driver.producer();
    await producer.connect();
    await producer.send([{
      topic: PaymentApproved.topic,
      messages: [{ key: orderId, value: JSON.stringify({ eventType: 'PaymentApproved', eventVersion: 1, orderId, payload: {} }), headers: { eventType: 'PaymentApproved' } }],
    }]);
    await producer.disconnect();

    const [letter] = await untilPageShows('the dead letter to be listed', '#dlq-refresh', lettersOf(PaymentApproved.topic), (l) => l.length > 0);
    expect(letter.replayedFrom).toBeNull();
    expect(letter.reason).toMatch(/eventId/);

    // The order's timeline shows where it went wrong, in a lane of its own.
    await untilPageShows('the dead letters in the timeline', '#follow button', lanes, (l) => l.includes('dead letters'));
    await page.waitForSelector('#saga-status:has-text("event(s) for order")');
    await page.screenshot({ path: join(ROOT, 'docs', 'console.png') });
  }, 150_000);

  it('replays, with the button, an event a group dead-lettered while its database refused it: once mended, the group handles it', async () => {
    // An operator's mistake in the message service's database: every new notification is refused (a CHECK that no
    // row passes). The failure is not the event's: retried, then dead-lettered with the database's reason.
    for (const topic of [UserRegistered.topic, PaymentApproved.topic, DeliveryStarted.topic]) await handledSoFar(shop, 'message', topic);
    const notifications = (sql: string) => inDatabase(shop.databases.message, (db) => db.query(sql));
    await notifications('ALTER TABLE notifications ADD CONSTRAINT console_e2e_refuse CHECK (false) NOT VALID');
    let customer: Awaited<ReturnType<typeof newCustomer>>;
    try {
      customer = await newCustomer(shop.gateway, 'welcome');
      const [letter] = await untilPageShows('the welcome to be dead-lettered', '#dlq-refresh', lettersOf(UserRegistered.topic), (l) => l.length > 0);
      expect(letter.topic).toBe(`${UserRegistered.topic}.${shop.groupPrefix}message.dlq`);
      expect(letter.reason).toContain('console_e2e_refuse');
    } finally {
      await notifications('ALTER TABLE notifications DROP CONSTRAINT IF EXISTS console_e2e_refuse');
    }
    const welcomes = async () => ((await call(shop.gateway, 'GET', '/messages', customer.token)).body.messages as { type: string }[]).filter((m) => m.type === 'WELCOME');
    expect(await welcomes()).toEqual([]);

    // Mended: the button sends it back to its topic. The message group handles it now; the other groups had handled it
    // already and skip it; nothing comes back to the dead letters.
    const [letter] = await lettersOf(UserRegistered.topic)();
    const row = `#dlq-rows tr[data-dlq-topic="${letter.topic}"][data-partition="${letter.partition}"][data-offset="${letter.offset}"]`;
    await page.click(`${row} button.replay`);
    await page.waitForSelector('#dlq-status:has-text("replayed")');
    expect(await page.textContent('#dlq-status')).toBe(`replayed 1 dead letter(s) from ${letter.topic} to ${UserRegistered.topic}`);
    await eventually('the welcome notice', welcomes, (w) => w.length === 1);
    await handledSoFar(shop, 'message', UserRegistered.topic);
    await page.click('#dlq-refresh');
    await page.waitForLoadState('networkidle');
    expect((await lettersOf(UserRegistered.topic)()).filter((l) => l.replayedFrom)).toEqual([]);
  }, 150_000);

  it('beyond this machine, answers only a store-role bearer token, checked against the user service', async () => {
    const user = shop.procs.find((p) => p.name === 'user')!;
    const access = ConsoleAccess.forHost('0.0.0.0', { AUTH_JWKS_URL: `${user.url}/.well-known/jwks.json` });
    const open = await startConsole({ driver, access }, '0.0.0.0', 0);
    servers.push(open.server);
    const api = `http://127.0.0.1:${new URL(open.url).port}/api/topics`;
    const status = async (token?: string) => (await fetch(api, { headers: token ? { authorization: `Bearer ${token}` } : {} })).status;
    expect(await status()).toBe(401);
    expect(await status('not-a-token')).toBe(401);
    expect(await status((await newCustomer(shop.gateway, 'nosy')).token)).toBe(403);
    expect(await status(await logIn(shop.gateway, shop.clerk.email, shop.clerk.password))).toBe(200);
  }, 60_000);
});
