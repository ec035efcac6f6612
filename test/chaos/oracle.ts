/**
 * What must hold once a chaos run's faults are over, read from the services' own databases and the broker: every
 * accepted order in the state its client's actions call for, one charge per order for the amount due, refunds exactly
 * where owed, stock conserved, myPage equal to the orders, each notification once, every wallet holding its welcome
 * points less what its orders spent and kept, plus what its delivered orders earned (each once), no dead letters, no lag, empty outboxes, every app ready,
 * and each fault recovered from within its target.
 */
import { Client } from 'pg';
import { driverFromEnv } from '@homestore/messaging';
import { deadLetterTopic, WELCOME_POINTS } from '@homestore/events';
import { shopGroups, walkPages } from '@homestore/testing';
import { call, groupLag, Shop } from '../e2e/shop';
import type { Recovery } from './faults';
import type { Catalog, Customer, PlacedOrder } from './load';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';

export interface Verdict {
  check: string;
  ok: boolean;
  detail: string;
}

/** The state an order must end in, given what its client did (stock is plenty: nothing runs out). */
export function expectedStatus(order: PlacedOrder): string {
  if (order.canceled) return 'CANCELED';
  if (order.cardToken === 'tok_decline') return 'REJECTED';
  return order.completed ? 'DELIVERED' : 'SHIPPING';
}

async function query<R>(database: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: `${SERVER_URL.replace(/\/+$/, '')}/${database}` });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as R[];
  } finally {
    await client.end();
  }
}

/** Waits until every order is in its expected state, or `deadline`; answers the orders that are not, with theirs. */
export async function settle(shop: Shop, orders: PlacedOrder[], deadline: number): Promise<Map<string, string>> {
  for (;;) {
    const rows = await query<{ id: string; status: string }>(shop.databases.order, `SELECT id, status FROM orders WHERE id = ANY($1::uuid[])`, [orders.map((o) => o.id)]);
    const status = new Map(rows.map((r) => [r.id, r.status]));
    const wrong = new Map(orders.filter((o) => status.get(o.id) !== expectedStatus(o)).map((o) => [o.id, status.get(o.id) ?? 'missing']));
    if (!wrong.size || Date.now() > deadline) return wrong;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * What a customer's wallet must hold after the run: the welcome points once; the points of each order that spent
 * some, taken once, and given back once if it ended CANCELED or REJECTED (by whichever end mileage heard of first, so
 * the reason is left out); and 1 % of each delivered order's charge, rounded down, once. As `type reason points
 * orderId` lines, sorted.
 */
export function expectedWallet(customer: Customer, orders: PlacedOrder[]): { balance: number; history: string[] } {
  const own = orders.filter((o) => o.customerId === customer.id);
  const lines = [`EARNED WELCOME ${WELCOME_POINTS} -`];
  let balance = WELCOME_POINTS;
  for (const o of own) {
    const status = expectedStatus(o);
    if (o.pointsUsed > 0) {
      lines.push(`USED ORDER ${o.pointsUsed} ${o.id}`);
      if (status === 'CANCELED' || status === 'REJECTED') lines.push(`RELEASED * ${o.pointsUsed} ${o.id}`);
      else balance -= o.pointsUsed;
    }
    const earned = status === 'DELIVERED' ? Math.floor((o.totalAmount - o.pointsUsed) / 100) : 0;
    if (earned > 0) {
      lines.push(`EARNED ORDER ${earned} ${o.id}`);
      balance += earned;
    }
  }
  return { balance, history: lines.sort() };
}

/** A customer's wallet as GET /mileage shows it through the gateway: the balance, and every page of its history. */
async function walletOf(shop: Shop, customer: Customer): Promise<{ balance: number; history: string[] }> {
  const get = (path: string) => call(shop.gateway, 'GET', path, customer.token);
  const first = await get('/mileage?limit=1');
  if (first.status !== 200) throw new Error(`GET /mileage: ${first.status} ${JSON.stringify(first.body)}`);
  const { rows } = await walkPages<{ type: string; reason: string; points: number; orderId: string | null }>(get, '/mileage', 'history', { limit: 200 });
  return { balance: first.body.balance, history: rows.map((h) => `${h.type} ${h.type === 'RELEASED' ? '*' : h.reason} ${h.points} ${h.orderId ?? '-'}`).sort() };
}

export async function judge(
  shop: Shop,
  orders: PlacedOrder[],
  customers: Customer[],
  catalog: Catalog,
  unsettled: Map<string, string>,
  recoveries: Recovery[],
): Promise<Verdict[]> {
  // The sagas have ended; what is left is the last offsets to commit (every CONSUMER_COMMIT_INTERVAL_MS) and events
  // that change no order (notices): a few seconds.
  let lag = await groupLag(shop);
  for (const deadline = Date.now() + 30_000; Object.values(lag).some((n) => n > 0) && Date.now() < deadline; lag = await groupLag(shop)) await new Promise((r) => setTimeout(r, 500));
  const verdicts: Verdict[] = [];
  const check = (name: string, ok: boolean, detail: string) => verdicts.push({ check: name, ok, detail });
  const ids = orders.map((o) => o.id);
  const byId = new Map(orders.map((o) => [o.id, o]));
  const sample = (list: string[]) => (list.length ? `: ${list.slice(0, 5).join('; ')}${list.length > 5 ? ` … (${list.length})` : ''}` : '');

  check(
    'every accepted order in its expected end state within 60 s of the last fault',
    orders.length > 0 && unsettled.size === 0,
    `${orders.length - unsettled.size} of ${orders.length}${sample([...unsettled].map(([id, s]) => `${id} is ${s}, expected ${expectedStatus(byId.get(id)!)}`))}`,
  );

  const payments = await query<{ order_id: string; status: string; amount: string }>(shop.databases.payment, `SELECT order_id, status, amount FROM payments WHERE order_id = ANY($1::uuid[])`, [ids]);
  const paymentOf = new Map(payments.map((p) => [p.order_id, p]));
  const badCharges = orders.flatMap((o) => {
    const p = paymentOf.get(o.id);
    if (!p) return o.canceled ? [] : [`${o.id} has no payment`];
    const due = o.totalAmount - o.pointsUsed;
    if (p.status !== 'VOIDED' && Number(p.amount) !== due) return [`${o.id} charged ${p.amount} (${p.status}), due ${due}`];
    return [];
  });
  // One row per order (its primary key) is one charge at the most; the amount is what was due.
  check('at most one charge per order, each for the amount due', badCharges.length === 0, `${payments.length} payments${sample(badCharges)}`);

  const refundOwed = (o: PlacedOrder) => o.canceled && ['REFUNDED', 'REFUND_FAILED'].includes(paymentOf.get(o.id)?.status ?? '');
  const badRefunds = orders.flatMap((o) => {
    const status = paymentOf.get(o.id)?.status ?? 'NONE';
    if (o.canceled && status === 'APPROVED') return [`${o.id} canceled but not refunded`];
    if (!o.canceled && (status === 'REFUNDED' || status === 'REFUND_FAILED')) return [`${o.id} refunded though not canceled`];
    if (o.canceled && status === 'REFUND_FAILED' && o.cardToken !== 'tok_refund_fail') return [`${o.id}'s refund failed`];
    return [];
  });
  check('refunds exactly for the orders that need them', badRefunds.length === 0, `${orders.filter(refundOwed).length} refunded or refund failed${sample(badRefunds)}`);

  const stock = await query<{ id: string; stock: number }>(shop.databases.ordermanagement, `SELECT id, stock FROM products WHERE id = ANY($1::uuid[])`, [catalog.products.map((p) => p.id)]);
  const storeOrders = await query<{ order_id: string; items: { productId: string; quantity: number }[]; stock_reserved: boolean }>(
    shop.databases.ordermanagement,
    `SELECT order_id, items, stock_reserved FROM store_orders WHERE stock_reserved`,
  );
  const held = new Map<string, number>();
  for (const so of storeOrders) for (const l of so.items) held.set(l.productId, (held.get(l.productId) ?? 0) + l.quantity);
  const shipped = new Map<string, number>();
  for (const o of orders) if (['SHIPPING', 'DELIVERED'].includes(expectedStatus(o))) for (const l of o.items) shipped.set(l.productId, (shipped.get(l.productId) ?? 0) + l.quantity);
  const badStock = catalog.products.flatMap((p) => {
    const now = stock.find((s) => s.id === p.id)?.stock ?? NaN;
    const out = p.stock - now;
    return out === (held.get(p.id) ?? 0) && out === (shipped.get(p.id) ?? 0) ? [] : [`${p.id}: ${p.stock} - ${now} = ${out} taken, ${held.get(p.id) ?? 0} held by store orders, ${shipped.get(p.id) ?? 0} in shipped orders`];
  });
  check('stock conserved (taken = held by store orders = in orders shipped)', badStock.length === 0, `${catalog.products.length} products${sample(badStock)}`);

  const orderRows = await query<{ id: string; status: string }>(shop.databases.order, `SELECT id, status FROM orders WHERE id = ANY($1::uuid[])`, [ids]);
  const myPage = await query<{ order_id: string; status: string; payment: string }>(shop.databases.order, `SELECT order_id, status, payment FROM mypage_orders WHERE order_id = ANY($1::uuid[])`, [ids]);
  const myPageOf = new Map(myPage.map((m) => [m.order_id, m]));
  const badMyPage = orderRows.flatMap((o) => (myPageOf.get(o.id)?.status === o.status ? [] : [`${o.id}: order ${o.status}, myPage ${myPageOf.get(o.id)?.status ?? 'missing'}`]));
  check('myPage equal to the order service for every order', badMyPage.length === 0, `${myPage.length} rows${sample(badMyPage)}`);

  const notices = await query<{ order_id: string; type: string; n: number; unsent: number }>(
    shop.databases.message,
    `SELECT order_id, type, count(*)::int AS n, count(*) FILTER (WHERE sent_at IS NULL)::int AS unsent FROM notifications WHERE order_id = ANY($1::uuid[]) GROUP BY 1, 2`,
    [ids],
  );
  const started = new Set(notices.filter((n) => n.type === 'DELIVERY_STARTED').map((n) => n.order_id));
  const badNotices = [
    ...notices.filter((n) => n.n !== 1 || n.unsent > 0).map((n) => `${n.order_id} ${n.type}: ${n.n} stored, ${n.unsent} unsent`),
    ...orders.filter((o) => ['SHIPPING', 'DELIVERED'].includes(expectedStatus(o)) && !started.has(o.id)).map((o) => `${o.id}: no DELIVERY_STARTED`),
  ];
  check('every notification stored and sent once', badNotices.length === 0, `${notices.length} notifications${sample(badNotices)}`);

  const badWallets: string[] = [];
  for (const customer of customers) {
    const want = expectedWallet(customer, orders);
    const got = await walletOf(shop, customer).catch((e: Error) => ({ balance: NaN, history: [e.message] }));
    const missing = want.history.filter((h) => !got.history.includes(h));
    const extra = got.history.filter((h, i) => !want.history.includes(h) || got.history.indexOf(h) !== i);
    if (got.balance !== want.balance || missing.length || extra.length) {
      badWallets.push(`${customer.id}: balance ${got.balance}, expected ${want.balance}; missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]`);
    }
  }
  check('every wallet: the welcome points once, the points of each order taken once and given back once if it ended, 1 % of each delivered order once', customers.length > 0 && badWallets.length === 0, `${customers.length} wallets${sample(badWallets)}`);

  const admin = driverFromEnv('chaos-oracle').admin();
  await admin.connect();
  try {
    const letters: string[] = [];
    const topics = new Set(await admin.listTopics());
    for (const [group, groupTopics] of shopGroups()) {
      for (const topic of groupTopics) {
        const dlq = deadLetterTopic(topic, `${shop.groupPrefix}${group}`);
        if (!topics.has(dlq)) continue;
        const count = (await admin.topicOffsets(dlq)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
        if (count) letters.push(`${dlq}: ${count}`);
      }
    }
    check('no dead letters', letters.length === 0, letters.length ? letters.join(', ') : 'none');
  } finally {
    await admin.disconnect();
  }

  check('consumer lag 0 in every group', Object.values(lag).every((n) => n === 0), Object.entries(lag).map(([g, n]) => `${g} ${n}`).join(', '));

  const outboxes = await Promise.all(
    Object.entries(shop.databases).map(async ([app, db]) => [app, (await query<{ n: number }>(db, `SELECT count(*)::int AS n FROM outbox`))[0].n] as const),
  );
  check('outboxes empty', outboxes.every(([, n]) => n === 0), outboxes.filter(([, n]) => n).map(([a, n]) => `${a} ${n}`).join(', ') || 'all empty');

  const readiness = await Promise.all(
    shop.procs.map(async (p) => {
      try {
        const res = await fetch(`${p.url}/health/ready`, { signal: AbortSignal.timeout(2000) });
        await res.body?.cancel();
        return [`${p.name}#${p.instance}`, res.status] as const;
      } catch {
        return [`${p.name}#${p.instance}`, 0] as const;
      }
    }),
  );
  check('every app ready', readiness.every(([, s]) => s === 200), readiness.filter(([, s]) => s !== 200).map(([n, s]) => `${n} ${s}`).join(', ') || `${readiness.length} processes`);

  for (const r of recoveries) {
    const ok = !r.skipped && r.seconds !== null && r.seconds <= r.target;
    const measured = r.skipped ? `skipped: ${r.skipped}` : r.seconds === null ? 'never' : `${r.seconds.toFixed(1)} s`;
    // A recovery that took too long says what it waited for (e.g. which process was not ready, and why).
    check(`recovery: ${r.fault} → ${r.until} within ${r.target} s`, ok, !ok && r.detail ? `${measured} (${r.detail})` : measured);
  }
  return verdicts;
}
