/**
 * npm run bench — the whole shop under a steady stream of orders, on this machine.
 *
 * Starts the eight apps as their own processes (as the e2e test does, test/e2e/shop.ts; two of the order service, see
 * INSTANCES) with the store accepting by itself (STORE_AUTO_ACCEPT=true) and the gateway's rate limits and breaker out
 * of the way. For each arrival rate it sends POST /orders through the gateway on a fixed clock for BENCH_SECONDS (open
 * model: a send never waits for an earlier answer), each order from one of BENCH_CUSTOMERS fresh customers, and
 * measures per order the time from its POST to SHIPPING (the delivery started) as seen on the customer's myPage, polled
 * every BENCH_POLL_MS per customer while it has orders on the way with GET /mypage?status=SHIPPING (the orders that
 * reached SHIPPING last come first: a poll reads pages of BENCH_PAGE down to the orders that got there before its
 * oldest order on the way was sent, so none is missed however many arrived since the poll before). It also reports the
 * same latency by the DeliveryStarted event's own time (myPage `updatedAt`), which does not depend on the polling.
 * Between rates it waits for every order to arrive (at most BENCH_DRAIN_SECONDS) so that a rate starts clean.
 *
 * Printed per rate: orders/s sent and reaching SHIPPING during the window, p50/p95/p99 latency, the backlog (sent, not
 * yet SHIPPING) at each quarter of the window, and whether lag grew (SHIPPING slower than arrivals, or a rising backlog).
 * Then the highest rate kept up with (every order accepted and SHIPPING, lag not growing), and the highest kept up
 * with at a p99 under 1 s.
 *
 * Environment: BENCH_RATES (default 150,200,250,300), BENCH_SECONDS (20), BENCH_CUSTOMERS (10 per rate), BENCH_PAGE
 * (30, or a second of one customer's orders at the rate if more), BENCH_POLL_MS (250), BENCH_DRAIN_SECONDS (60),
 * BENCH_WARMUP_SECONDS (60) at BENCH_WARMUP_RATE (50/s): a first run, not counted, so that every JIT is warm (the
 * apps' V8 and the broker's JVM still compile for about a minute under load: measured after a 15 s warm-up, 150/s fell
 * behind at ~90/s; after 60 s it was kept up with), BENCH_IDLE_SECONDS (10: the shop's CPU with nothing to do is
 * measured first, for so long), BENCH_CPU_PROF (a folder: each app writes a V8 CPU profile there when it stops),
 * BENCH_NODE_ARGS (given to every app's node, e.g. GC settings), BENCH_INSTANCES (default `order=2`: processes of an
 * app, sharing its consumer groups, each called by the gateway in turn; `order=1` for one process of every app). The
 * polling is load on the order app and the gateway
 * (customers × 1000 / BENCH_POLL_MS requests/s, each a page of SHIPPING orders with their history): fewer, slower
 * polls disturb less and see later.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { Logger } from '@nestjs/common';
import { KafkaConfig, loadConfig } from '@homestore/platform';
import { call, groupLag, logIn, newCustomer, Service, SERVICES, Shop, startShop } from '../test/e2e/shop';

const RATES = (process.env.BENCH_RATES ?? '150,200,250,300').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 10);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 250);
/**
 * Orders per myPage page: a second of one customer's orders at the rate, at least 30, so that one page usually holds
 * all that reached SHIPPING since the poll before; a poll reads the next page only when it must (see runRate). Smaller
 * pages made more requests of the order app (docs/benchmarks.md). At most 100 (the API's).
 */
const pageFor = (rate: number) => Number(process.env.BENCH_PAGE ?? Math.min(100, Math.max(30, Math.ceil(rate / CUSTOMERS))));
const DRAIN_SECONDS = Number(process.env.BENCH_DRAIN_SECONDS ?? 60);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 60);
const WARMUP_RATE = Number(process.env.BENCH_WARMUP_RATE ?? 50);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 10);
/**
 * Two order processes by default, as the k8s base's autoscaler runs at least two: one order process serves every POST
 * and poll and runs the two groups that see nearly every event, and alone it is the shop's bottleneck
 * (docs/benchmarks.md).
 */
const INSTANCES = instancesFrom(process.env.BENCH_INSTANCES ?? 'order=2');

type Customer = { id: string; token: string };
interface Tracked {
  customer: number;
  sentAt: number;
  shippedSeenAt?: number;
  shippedEventAt?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
/** Cores used per process, busiest first, and their total. */
const formatCpu = (cores: (readonly [string, number])[]) =>
  `${[...cores].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')} · total ${cores.reduce((n, [, v]) => n + v, 0).toFixed(2)}`;
const ms = (v: number) => (Number.isNaN(v) ? '-' : `${Math.round(v)} ms`);
/** CPU ms per order: what the shop (every app, PostgreSQL and Kafka; not this bench, the load) used, per order sent. */
const cpuPerOrder = (cores: (readonly [string, number])[], ordersPerSecond: number) =>
  (1000 * cores.filter(([k]) => k !== 'bench').reduce((n, [, v]) => n + v, 0)) / ordersPerSecond;

/** CPU seconds used so far (user + system, from /proc) by each app, by PostgreSQL, by Kafka and by this bench. */
function cpuSeconds(shop: Shop): Record<string, number> {
  const ticks = (pid: number | string) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return 0;
    }
  };
  const used: Record<string, number> = {};
  for (const p of shop.procs) used[p.name] = (used[p.name] ?? 0) + ticks(p.child.pid!);
  used.postgres = 0;
  used.kafka = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let comm = '';
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm === 'postgres') used.postgres += ticks(pid);
    else if (comm === 'java') used.kafka += ticks(pid);
  }
  const self = process.cpuUsage();
  used.bench = (self.user + self.system) / 1e6;
  return used;
}

/** Cores each process used on average since `before` (cpuSeconds then), over `seconds`. */
function coresSince(shop: Shop, before: Record<string, number>, seconds: number): [string, number][] {
  return Object.entries(cpuSeconds(shop)).map(([k, v]) => [k, (v - (before[k] ?? 0)) / seconds]);
}

/** BENCH_INSTANCES, e.g. `order=2,payment=2`: processes per app. */
function instancesFrom(spec: string): Partial<Record<Service, number>> {
  const instances: Partial<Record<Service, number>> = {};
  for (const item of spec.split(',').filter(Boolean)) {
    const [app, n] = item.split('=');
    if (!(SERVICES as readonly string[]).includes(app) || !/^[1-9]\d?$/.test(n ?? '')) {
      throw new Error(`BENCH_INSTANCES: "${item}" is not <app>=<processes> with an app of ${SERVICES.join(', ')} and 1-99 processes`);
    }
    instances[app as Service] = Number(n);
  }
  return instances;
}

async function customers(gw: string, n: number, label: string): Promise<Customer[]> {
  const made: Customer[] = [];
  for (let i = 0; i < n; i += 5) made.push(...(await Promise.all(Array.from({ length: Math.min(5, n - i) }, () => newCustomer(gw, label)))));
  return made;
}

async function runRate(shop: Shop, rate: number, productId: string, buyers: Customer[], seconds = SECONDS) {
  const gw = shop.gateway;
  const orders = new Map<string, Tracked>();
  const pending = buyers.map(() => new Set<string>());
  const errors = new Map<string, number>();
  const postLatencies: number[] = [];
  const body = { items: [{ productId, quantity: 1 }], deliveryAddress: '1 Bench-ro, Seoul', deliveryPhone: '010-0000-0000', payment: { method: 'card', cardToken: 'tok_bench' } };
  let sent = 0;
  let answered = 0;
  let shippedInWindow = 0;
  let sending = true;
  const cpuBefore = cpuSeconds(shop);
  const t0 = Date.now();
  const end = t0 + seconds * 1000;
  const total = Math.round(rate * seconds);

  /** Orders a poll saw in SHIPPING before their POST was answered: seen then. */
  const early = new Map<string, { seenAt: number; eventAt: number }>();
  const shipped = (tracked: Tracked, seenAt: number, eventAt: number) => {
    tracked.shippedSeenAt = seenAt;
    tracked.shippedEventAt = eventAt;
    if (seenAt <= end) shippedInWindow++;
  };

  const send = (i: number) => {
    const customer = i % buyers.length;
    const sentAt = Date.now();
    call(gw, 'POST', '/orders', buyers[customer].token, body)
      .then((res) => {
        postLatencies.push(Date.now() - sentAt);
        if (res.status !== 201) throw new Error(`${res.status} ${res.body?.code ?? ''}`);
        const tracked: Tracked = { customer, sentAt };
        orders.set(res.body.id, tracked);
        const before = early.get(res.body.id);
        if (before) shipped(tracked, before.seenAt, before.eventAt);
        else pending[customer].add(res.body.id);
      })
      .catch((e: Error) => errors.set(e.message, (errors.get(e.message) ?? 0) + 1))
      .finally(() => answered++);
  };

  // The clock: every tick sends whatever is due by now, without waiting for any answer.
  const clock = setInterval(() => {
    const due = Math.min(total, Math.floor(((Date.now() - t0) * rate) / 1000) + 1);
    while (sent < due) send(sent++);
    if (sent >= total) {
      clearInterval(clock);
      sending = false;
    }
  }, 5);

  // One poller per customer: GET /mypage while it has orders on the way.
  let polling = true;
  const pollers = buyers.map(async (buyer, c) => {
    while (polling) {
      const started = Date.now();
      // The last to reach SHIPPING come first: pages until one reaches orders that got there before the oldest order
      // on the way was sent (or the last page). An order whose POST is still unanswered counts as seen when it is.
      const oldest = Math.min(...[...pending[c]].map((id) => orders.get(id)!.sentAt));
      for (let before = '', more = pending[c].size > 0; more && polling; ) {
        const res = await call(gw, 'GET', `/mypage?status=SHIPPING&limit=${pageFor(rate)}${before}`, buyer.token).catch(() => undefined);
        const seenAt = Date.now();
        const page = (res?.status === 200 ? res.body.orders : []) as { orderId: string; status: string; updatedAt: string }[];
        for (const o of page) {
          if (pending[c].delete(o.orderId)) shipped(orders.get(o.orderId)!, seenAt, Date.parse(o.updatedAt));
          else if (!orders.has(o.orderId) && !early.has(o.orderId)) early.set(o.orderId, { seenAt, eventAt: Date.parse(o.updatedAt) });
        }
        more = pending[c].size > 0 && page.length > 0 && !!res?.body.nextCursor && Date.parse(page[page.length - 1].updatedAt) >= oldest;
        if (more) before = `&before=${encodeURIComponent(res!.body.nextCursor)}`;
      }
      await sleep(Math.max(0, POLL_MS - (Date.now() - started)));
    }
  });

  // The backlog (sent, not yet seen SHIPPING) at each quarter of the window.
  const backlog: number[] = [];
  for (let q = 1; q <= 4; q++) {
    await sleep(t0 + (q * seconds * 1000) / 4 - Date.now());
    backlog.push(sent - (orders.size - pending.reduce((n, s) => n + s.size, 0)));
  }
  while (sending) await sleep(10);
  const cpu = coresSince(shop, cpuBefore, seconds);
  const lagAtEnd = await groupLag(shop);
  const drainStart = Date.now();
  const waiting = () => pending.reduce((n, s) => n + s.size, 0) + (sent - answered);
  while (waiting() > 0 && Date.now() - drainStart < DRAIN_SECONDS * 1000) await sleep(100);
  polling = false;
  await Promise.all(pollers);
  // Orders the first page no longer showed: their own myPage entries.
  for (const [c, ids] of pending.entries()) {
    for (const id of ids) {
      const res = await call(gw, 'GET', `/mypage/orders/${id}`, buyers[c].token).catch(() => undefined);
      if (res?.status !== 200 || !['SHIPPING', 'DELIVERED'].includes(res.body.status)) continue;
      Object.assign(orders.get(id)!, { shippedSeenAt: Date.now(), shippedEventAt: Date.parse(res.body.updatedAt) });
    }
  }

  const done = [...orders.values()].filter((o) => o.shippedSeenAt !== undefined);
  const seen = done.map((o) => o.shippedSeenAt! - o.sentAt).sort((a, b) => a - b);
  const byEvent = done.map((o) => o.shippedEventAt! - o.sentAt).sort((a, b) => a - b);
  postLatencies.sort((a, b) => a - b);
  const arrival = sent / seconds;
  const shippedRate = shippedInWindow / seconds;
  const rising = backlog[3] > backlog[1] * 1.25 + rate * 0.5;
  const lagGrew = shippedRate < 0.9 * arrival || rising;
  return {
    rate,
    sent,
    arrival,
    accepted: orders.size,
    errors: Object.fromEntries(errors),
    shipped: done.length,
    shippedRate,
    post: { p50: pct(postLatencies, 50), p99: pct(postLatencies, 99) },
    seen: { p50: pct(seen, 50), p95: pct(seen, 95), p99: pct(seen, 99), max: seen[seen.length - 1] },
    byEvent: { p50: pct(byEvent, 50), p95: pct(byEvent, 95), p99: pct(byEvent, 99) },
    backlog,
    drainMs: Date.now() - drainStart,
    notShipped: orders.size - done.length,
    lagGrew,
    lagAtEnd,
    cpu,
  };
}

async function main(): Promise<void> {
  // The bench's own Kafka clients log through Nest: no debug lines (a fresh broker's coordinator retries) among the figures.
  Logger.overrideLogger(['fatal', 'error', 'warn', 'log']);
  const cpu = cpus();
  console.log(`machine: ${cpu.length} cores, ${cpu[0]?.model ?? 'unknown'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, Kafka client ${loadConfig('bench', KafkaConfig).KAFKA_CLIENT}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const processes = Object.entries(INSTANCES).filter(([, n]) => n > 1).map(([app, n]) => `${app} ×${n}`).join(', ');
  console.log(`rates ${RATES.join(', ')} orders/s, ${SECONDS} s each, ${CUSTOMERS} customers per rate, myPage polled every ${POLL_MS} ms per customer`);
  console.log(`processes: one of every app${processes ? `, but ${processes} (the gateway calls each in turn)` : ''}\n`);
  let shop: Shop | undefined;
  const stop = async () => {
    await shop?.stop();
    process.exit(1);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const started = Date.now();
    shop = await startShop({
      env: {
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
      },
      // A V8 CPU profile per app, written when it exits (open it in Chrome DevTools).
      nodeArgs: [
        ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
        ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
      ],
      instances: INSTANCES,
      spread: true,
      perApp: {
        ordermanagement: { STORE_AUTO_ACCEPT: 'true' },
        gateway: { RATE_LIMIT_IP: '100000000', RATE_LIMIT_USER: '100000000', BREAKER_FAILURE_THRESHOLD: '1000', UPSTREAM_TIMEOUT_MS: '30000' },
      },
    });
    const gw = shop.gateway;
    const clerk = await logIn(gw, shop.clerk.email, shop.clerk.password);
    const catalog = (await call(gw, 'GET', '/products')).body as { id: string; name: string }[];
    const product = catalog[0];
    const stock = (RATES.reduce((n, r) => n + r * SECONDS, 0) + WARMUP_RATE * WARMUP_SECONDS) * 2 + 1000;
    const patched = await call(gw, 'PATCH', `/products/${product.id}`, clerk, { stock });
    if (patched.status !== 200) throw new Error(`PATCH /products: ${patched.status} ${JSON.stringify(patched.body)}`);
    // Warm up: the order service's replica must know the product, and one order must go all the way.
    const [warm] = await customers(gw, 1, 'bench-warmup');
    let placed;
    const deadline = Date.now() + 60_000;
    do {
      placed = await call(gw, 'POST', '/orders', warm.token, { items: [{ productId: product.id, quantity: 1 }], deliveryAddress: 'x', deliveryPhone: '010', payment: { method: 'card', cardToken: 'tok_bench' } });
      if (placed.status === 422) await sleep(200);
    } while (placed.status === 422 && Date.now() < deadline);
    if (placed.status !== 201) throw new Error(`warm-up order: ${placed.status} ${JSON.stringify(placed.body)}`);
    while ((await call(gw, 'GET', `/mypage/orders/${placed.body.id}`, warm.token)).body?.status !== 'SHIPPING') {
      if (Date.now() > deadline) throw new Error('warm-up order never reached SHIPPING');
      await sleep(100);
    }
    console.log(`shop ready and warm in ${((Date.now() - started) / 1000).toFixed(1)} s (product "${product.name}", stock set to ${stock})`);

    // What the shop costs with nothing to do (consumers polling, relays listening): every rate pays it too.
    const idleBefore = cpuSeconds(shop);
    await sleep(IDLE_SECONDS * 1000);
    console.log(`CPU (cores) idle for ${IDLE_SECONDS} s: ${formatCpu(coresSince(shop, idleBefore, IDLE_SECONDS))}\n`);

    // Warm up (not measured): the JIT of every app and of the broker, pools and connections at full size.
    if (WARMUP_SECONDS > 0) {
      const warmup = await runRate(shop, WARMUP_RATE, product.id, await customers(gw, CUSTOMERS, 'bench-warmup'), WARMUP_SECONDS);
      console.log(`warmed up for ${WARMUP_SECONDS} s at ${WARMUP_RATE}/s (${warmup.shipped} of ${warmup.sent} orders SHIPPING, not counted)\n`);
    }

    const results: Awaited<ReturnType<typeof runRate>>[] = [];
    for (const rate of RATES) {
      const buyers = await customers(gw, CUSTOMERS, `bench-${rate}`);
      const r = await runRate(shop, rate, product.id, buyers);
      results.push(r);
      console.log(
        `${String(rate).padStart(4)}/s: sent ${r.arrival.toFixed(1)}/s (${r.sent}, ${r.accepted} accepted${Object.keys(r.errors).length ? `, errors ${JSON.stringify(r.errors)}` : ''}) · ` +
          `SHIPPING ${r.shippedRate.toFixed(1)}/s in the window · POST->SHIPPING seen p50 ${ms(r.seen.p50)} p95 ${ms(r.seen.p95)} p99 ${ms(r.seen.p99)} max ${ms(r.seen.max)} ` +
          `(by event time p50 ${ms(r.byEvent.p50)} p95 ${ms(r.byEvent.p95)} p99 ${ms(r.byEvent.p99)}) · POST p50 ${ms(r.post.p50)} p99 ${ms(r.post.p99)} · ` +
          `backlog at 1/4..4/4 ${r.backlog.join('/')} · drained in ${(r.drainMs / 1000).toFixed(1)} s${r.notShipped ? ` (${r.notShipped} never SHIPPING)` : ''} · lag grew: ${r.lagGrew ? 'YES' : 'no'}\n` +
          `        consumer lag (messages) at the end of the window: ${Object.entries(r.lagAtEnd).map(([g, n]) => `${g} ${n}`).join(', ')}\n` +
          `        CPU (cores) in the window: ${formatCpu(r.cpu)} · ${cpuPerOrder(r.cpu, r.arrival).toFixed(1)} ms of CPU per order`,
      );
    }
    console.log('\n| arrival (orders/s) | sent/s | SHIPPING/s | p50 | p95 | p99 | backlog 1/4..4/4 | lag grew | CPU per order |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const r of results) {
      console.log(`| ${r.rate} | ${r.arrival.toFixed(1)} | ${r.shippedRate.toFixed(1)} | ${ms(r.seen.p50)} | ${ms(r.seen.p95)} | ${ms(r.seen.p99)} | ${r.backlog.join('/')} | ${r.lagGrew ? 'yes' : 'no'} | ${cpuPerOrder(r.cpu, r.arrival).toFixed(1)} ms |`);
    }
    // A rate is kept up with when every order was accepted and reached SHIPPING and the lag did not grow.
    const kept = results.filter((r) => !r.lagGrew && r.accepted === r.sent && !r.notShipped);
    const highest = (list: typeof results) => (list.length ? `${Math.max(...list.map((r) => r.rate))} orders/s` : 'none of the rates tried');
    console.log(`
highest rate kept up with (every order accepted and SHIPPING, lag not growing): ${highest(kept)}`);
    console.log(`highest rate kept up with at p99 under 1 s (seen on myPage): ${highest(kept.filter((r) => r.seen.p99 < 1000))}`);
  } finally {
    if (process.env.BENCH_DUMP) {
      for (const p of shop?.procs ?? []) {
        const metrics = await fetch(`${p.url}/metrics`).then((r) => r.text()).catch(() => '');
        console.log(`--- ${p.name}\n${p.output().slice(-3000)}\n${metrics.split('\n').filter((l) => /handler_duration_seconds_(sum|count)|events_consumed_total|events_retried|dead_lettered_total\{|outbox_backlog|http_request_duration_seconds_(sum|count)|homestore_db_pool_connections/.test(l)).join('\n')}`);
      }
    }
    await shop?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
