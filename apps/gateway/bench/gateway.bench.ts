/**
 * npm run bench:gateway — what the gateway costs, in one run on this machine:
 *   1. GET /products straight to the upstream (a minimal Nest app with every service's HTTP setup, bench/upstream.ts)
 *   2. the same through the gateway (public route: ids, IP limit, route table, breaker, forwarding)
 *   3. GET /orders with a bearer token through the gateway (adds RS256 verification and the per-user limit)
 * Two fixed concurrencies, each target for BENCH_SECONDS in alternating rounds (so that whatever else the machine
 * does weighs on all three alike):
 *   - latency, at BENCH_LATENCY_CONNECTIONS (default 1): nothing queues, so the p50 difference is what the gateway
 *     adds to a request;                                                               [target: < 2 ms at p50]
 *   - throughput, at BENCH_CONNECTIONS (default 10): the machine is saturated; requests/s through the gateway
 *     against straight to the upstream.                                                [target: >= 0.5]
 * The upstream, the gateway and the load generator (autocannon) are separate processes on the same machine.
 * Latencies are taken per response in fractional milliseconds (autocannon's own histogram rounds to whole ones);
 * CPU per request is read from /proc for the gateway and the upstream.
 * Environment: BENCH_SECONDS (default 10), BENCH_ROUNDS (default 5), BENCH_CONNECTIONS, BENCH_LATENCY_CONNECTIONS.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { accessToken, App, freePort, launch, ROOT, signingKey, waitFor } from '../test/support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const LATENCY_CONNECTIONS = Number(process.env.BENCH_LATENCY_CONNECTIONS ?? 1);

interface Target {
  label: string;
  connections: number;
  url: string;
  headers?: Record<string, string>;
  latencies: number[];
  seconds: number;
  errors: number;
  cpuTicks: { gateway: number; upstream: number };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** CPU time (user + system) of a process so far, in clock ticks (1/100 s on Linux); 0 where /proc is missing. */
function cpuTicks(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

async function round(target: Target, seconds: number, pids: { gateway?: number; upstream?: number }): Promise<void> {
  const before = { gateway: cpuTicks(pids.gateway), upstream: cpuTicks(pids.upstream) };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: target.url, connections: target.connections, duration: seconds, headers: target.headers }, (error, done) =>
      error ? reject(error) : resolve(done),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) target.latencies.push(ms);
      else target.errors++;
    });
  });
  target.seconds += seconds;
  target.errors += result.errors + result.timeouts;
  target.cpuTicks.gateway += cpuTicks(pids.gateway) - before.gateway;
  target.cpuTicks.upstream += cpuTicks(pids.upstream) - before.upstream;
}

function startUpstream(port: number, jwks: unknown): App {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'upstream.ts')], {
    cwd: ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), PORT: String(port), BENCH_JWKS: JSON.stringify(jwks) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { name: 'bench-upstream', port, url: `http://127.0.0.1:${port}`, child, output: () => '', exited, stop: async () => (child.kill('SIGTERM'), exited) };
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  gatewayCpu: number;
  upstreamCpu: number;
}

function figures(t: Target): Figures {
  const sorted = [...t.latencies].sort((a, b) => a - b);
  const cpu = (ticks: number) => (ticks * 10) / Math.max(1, t.latencies.length); // ms per request
  return { rps: t.latencies.length / t.seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), gatewayCpu: cpu(t.cpuTicks.gateway), upstreamCpu: cpu(t.cpuTicks.upstream) };
}

function table(title: string, targets: Target[]): string[] {
  const width = Math.max(...targets.map((t) => t.label.length));
  return [
    title,
    ...targets.map((t) => {
      const f = figures(t);
      return (
        `  ${t.label.padEnd(width)}  ${Math.round(f.rps).toString().padStart(6)} req/s  p50 ${f.p50.toFixed(2).padStart(6)} ms  p99 ${f.p99.toFixed(2).padStart(6)} ms  ` +
        `CPU/request: gateway ${f.gatewayCpu.toFixed(3)} ms, upstream ${f.upstreamCpu.toFixed(3)} ms${t.errors ? `  ERRORS ${t.errors}` : ''}`
      );
    }),
  ];
}

function report(latency: Target[], throughput: Target[]): string {
  const [ld, lp, la] = latency.map(figures);
  const [td, tp, ta] = throughput.map(figures);
  const added = lp.p50 - ld.p50;
  const kept = tp.rps / td.rps;
  return [
    '',
    `gateway benchmark: ${cpus().length} cores ${cpus()[0]?.model ?? ''}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ` +
      `${SECONDS} s per target and concurrency, in ${ROUNDS} alternating rounds`,
    ...table(`latency, ${LATENCY_CONNECTIONS} connection(s):`, latency),
    ...table(`throughput, ${CONNECTIONS} connections:`, throughput),
    '',
    `gateway adds at p50: ${added.toFixed(2)} ms, at p99: ${(lp.p99 - ld.p99).toFixed(2)} ms (target < 2 ms at p50): ${added < 2 ? 'met' : 'MISSED'}`,
    `throughput kept: ${kept.toFixed(2)} of the upstream's (target >= 0.5): ${kept >= 0.5 ? 'met' : 'MISSED'}`,
    `with a bearer token: adds ${(la.p50 - ld.p50).toFixed(2)} ms at p50, keeps ${(ta.rps / td.rps).toFixed(2)} of the throughput`,
    `at ${CONNECTIONS} connections the p50 through the gateway is ${(tp.p50 - td.p50).toFixed(2)} ms above the direct one: queueing on a saturated machine`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const key = await signingKey('bench-key');
  const token = await accessToken(key, { sub: 'bench-user', expiresIn: 3600 });
  const upstream = startUpstream(await freePort(), { keys: [key.jwk] });
  const names = ['USER', 'ORDER', 'PAYMENT', 'ORDERMANAGEMENT', 'DELIVERY', 'MESSAGE', 'MILEAGE'];
  const gateway = launch('gateway', {
    PORT: String(await freePort()),
    ...Object.fromEntries(names.map((n) => [`${n}_URL`, upstream.url])),
    AUTH_JWKS_URL: `${upstream.url}/.well-known/jwks.json`,
    // One client IP and one user send everything here: limits far above what the run can send.
    RATE_LIMIT_IP: '1000000000',
    RATE_LIMIT_USER: '1000000000',
  });
  try {
    await waitFor(upstream, '/health/ready', 200);
    await waitFor(gateway, '/health/ready', 200);
    const target = (label: string, url: string, connections: number, headers?: Record<string, string>): Target => ({
      label,
      connections,
      url,
      headers,
      latencies: [],
      seconds: 0,
      errors: 0,
      cpuTicks: { gateway: 0, upstream: 0 },
    });
    const auth = { authorization: `Bearer ${token}` };
    const targets = (connections: number) => [
      target('GET /products, straight to the upstream', `${upstream.url}/products`, connections),
      target('GET /products, through the gateway', `${gateway.url}/products`, connections),
      target('GET /orders + token, through the gateway', `${gateway.url}/orders`, connections, auth),
    ];
    const [latency, throughput] = [targets(LATENCY_CONNECTIONS), targets(CONNECTIONS)];
    const pids = { gateway: gateway.child.pid, upstream: upstream.child.pid };
    process.stdout.write('warming up...\n');
    for (const t of throughput) await round({ ...t, latencies: [], cpuTicks: { gateway: 0, upstream: 0 } }, 2, pids);
    for (const [name, phase] of [['latency', latency], ['throughput', throughput]] as const) {
      for (let i = 1; i <= ROUNDS; i++) {
        process.stdout.write(`${name}: round ${i} of ${ROUNDS}\n`);
        for (const t of phase) await round(t, SECONDS / ROUNDS, pids);
      }
    }
    process.stdout.write(report(latency, throughput));
  } finally {
    await Promise.all([gateway.stop(), upstream.stop()]);
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
