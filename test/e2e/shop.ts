/**
 * The whole shop as separate processes, for the end-to-end test and the shop benchmark: the eight apps (from dist/
 * when npm test or a benchmark has just built it, else from their TypeScript sources; see entryOf), on free ports,
 * each on a database of its own named for this run,
 * the gateway in front, every service verifying tokens against this run's user service. Loaded by jest and, for the
 * benchmark, by @swc-node/register.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { driverFromEnv } from '@homestore/messaging';
import { forgetGroups, shopGroups, startGroupsAtTheEnd } from '@homestore/testing';

export const ROOT = join(__dirname, '..', '..');
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const SERVICES = ['user', 'order', 'payment', 'ordermanagement', 'delivery', 'message', 'mileage'] as const;
export type Service = (typeof SERVICES)[number] | 'gateway';

export interface Proc {
  name: Service;
  /** 1 for an app's first process, 2 for its second replica, ... */
  instance: number;
  url: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | string>;
  /** What it was started with, so that it can be started again the same way. */
  env: Record<string, string>;
}

export interface Shop {
  gateway: string;
  procs: Proc[];
  clerk: { email: string; password: string };
  /** Put before every consumer group name of this run (CONSUMER_GROUP_PREFIX). */
  groupPrefix: string;
  /** Each app's database of this run. */
  databases: Record<(typeof SERVICES)[number], string>;
  /** SIGTERM to every process, wait for them, then drop this run's databases. Never throws. */
  stop(): Promise<void>;
  /** Starts `proc` again as it was (same port, database and groups) once it has exited; the new process replaces it. */
  restart(proc: Proc): Proc;
  /** Starts one more replica of an app (a port of its own, the same database and groups). */
  addInstance(name: Service): Promise<Proc>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * How an app's process starts: from its bundle in dist/ when scripts/homestore.mjs has just built it (npm test, the
 * benchmarks, as npm start and the images run the apps), else from the TypeScript sources (a jest run of its own,
 * which may have no build or an old one).
 */
function entryOf(name: Service): string[] {
  if (process.env.HOMESTORE_APPS_BUILT === '1') return [join(ROOT, 'dist', 'apps', name, 'main.js')];
  return ['-r', '@swc-node/register', join(ROOT, 'apps', name, 'src', 'main.ts')];
}

function launch(name: Service, env: Record<string, string>, nodeArgs: string[] = [], instance = 1): Proc {
  const child = spawn(process.execPath, [...nodeArgs, ...entryOf(name)], {
    cwd: ROOT,
    // Each process keeps its consumer-group identity across restarts (static membership), as a k8s pod keeps its name.
    env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), LOG_LEVEL: 'warn', KAFKAJS_NO_PARTITIONER_WARNING: '1', CONSUMER_INSTANCE_ID: `${name}-${instance}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { name, instance, url: `http://127.0.0.1:${env.PORT}`, child, output: () => output, exited, env };
}

/** Runs statements on one database of the server (as an operator at psql would), then disconnects. */
export async function inDatabase<T>(database: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: `${SERVER_URL.replace(/\/+$/, '')}/${database}` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function dropDatabases(names: string[]): Promise<void> {
  await inDatabase('postgres', async (client) => {
    for (const db of names) await client.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
  });
}

/**
 * Starts the eight apps; resolves once the gateway's /health/ready is 200 (every upstream ready). `env` goes to
 * every app, `perApp` to one, `nodeArgs` to every app's node. Every app joins consumer groups of this run's own,
 * starting at the topics' current ends (startGroupsAtTheEnd) and deleted with their dead-letter topics by `stop`.
 */
export async function startShop(
  options: {
    env?: Record<string, string>;
    perApp?: Partial<Record<Service, Record<string, string>>>;
    readyTimeoutMs?: number;
    nodeArgs?: string[];
    /** Processes per app (default 1): replicas share the app's database and consumer groups; the gateway calls the first. */
    instances?: Partial<Record<Service, number>>;
    /** The gateway calls every process of an app in turn (a comma-separated `<NAME>_URL`), as a Kubernetes Service spreads requests. */
    spread?: boolean;
  } = {},
): Promise<Shop> {
  const run = randomUUID().slice(0, 8);
  const ports = Object.fromEntries(await Promise.all([...SERVICES, 'gateway'].map(async (s) => [s, await freePort()]))) as Record<Service, number>;
  const urlAt = (port: number) => `http://127.0.0.1:${port}`;
  const clerk = { email: `clerk.${run}@homestore.local`, password: `clerk-${run}-pass` };
  const databases = SERVICES.map((s) => `hs_e2e_${s}_${run}`);
  const prefix = `e2e-${run}.`;
  const kafka = driverFromEnv('shop-e2e');
  const common = { AUTH_JWKS_URL: `${urlAt(ports.user)}/.well-known/jwks.json`, CONSUMER_GROUP_PREFIX: prefix, ...options.env };
  const procs: Proc[] = [];
  const restart = (proc: Proc): Proc => {
    const again = launch(proc.name, proc.env, options.nodeArgs, proc.instance);
    procs.splice(procs.indexOf(proc), 1, again);
    return again;
  };
  const appEnv = (s: (typeof SERVICES)[number], port: number) => ({
    ...common,
    PORT: String(port),
    DATABASE_NAME: `hs_e2e_${s}_${run}`,
    ...(s === 'user' && { STORE_ADMIN_EMAIL: clerk.email, STORE_ADMIN_PASSWORD: clerk.password }),
    ...options.perApp?.[s],
  });
  const addInstance = async (name: Service, port?: number): Promise<Proc> => {
    if (name === 'gateway') throw new Error('the gateway runs once');
    const instance = Math.max(0, ...procs.filter((p) => p.name === name).map((p) => p.instance)) + 1;
    const proc = launch(name, appEnv(name, port ?? (await freePort())), options.nodeArgs, instance);
    procs.push(proc);
    return proc;
  };
  const stop = async () => {
    await Promise.all(
      procs.map(async (p) => {
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
        const timer = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
        await p.exited;
        clearTimeout(timer);
      }),
    );
    await dropDatabases(databases).catch(() => undefined);
    await forgetGroups(kafka, prefix).catch(() => undefined);
  };
  try {
    // Before any app of this run publishes (the order app's product replica still gets the catalog: this run's
    // store announces it when it starts).
    await startGroupsAtTheEnd(kafka, prefix, shopGroups());
    for (const s of SERVICES) procs.push(launch(s, appEnv(s, ports[s]), options.nodeArgs));
    // The replicas' ports, known now when the gateway is to call them too.
    const replicaPorts: Partial<Record<Service, number[]>> = {};
    for (const s of SERVICES) replicaPorts[s] = await Promise.all(Array.from({ length: (options.instances?.[s] ?? 1) - 1 }, freePort));
    const addresses = (s: Service) => [ports[s], ...(options.spread ? replicaPorts[s]! : [])].map(urlAt).join(',');
    const upstreams = Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, addresses(s)]));
    const gateway = launch('gateway', { ...common, ...upstreams, PORT: String(ports.gateway), ...options.perApp?.gateway }, options.nodeArgs);
    procs.push(gateway);
    await untilReady(gateway, procs, options.readyTimeoutMs ?? 90_000);
    // Replicas once the first processes have migrated their databases.
    const replicas: Proc[] = [];
    for (const s of SERVICES) for (const port of replicaPorts[s]!) replicas.push(await addInstance(s, port));
    await Promise.all(replicas.map((p) => untilProcReady(p, options.readyTimeoutMs ?? 90_000)));
    const byApp = Object.fromEntries(SERVICES.map((s) => [s, `hs_e2e_${s}_${run}`])) as Shop['databases'];
    return { gateway: gateway.url, procs, clerk, groupPrefix: prefix, databases: byApp, stop, restart, addInstance };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Resolves once one process answers its /health/ready with 200; throws if it exits or the time runs out. */
export async function untilProcReady(proc: Proc, timeoutMs: number): Promise<void> {
  await untilReady(proc, [proc], timeoutMs);
}

async function untilReady(gateway: Proc, procs: Proc[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead: Proc | undefined;
  for (const p of procs) void p.exited.then(() => (dead ??= p));
  while (Date.now() < deadline && !dead) {
    try {
      const res = await fetch(`${gateway.url}/health/ready`);
      await res.body?.cancel();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const who = dead ? `${dead.name} exited` : 'timed out';
  throw new Error(`the shop did not become ready (${who}):\n${procs.map((p) => `--- ${p.name}\n${p.output().slice(-1500)}`).join('\n')}`);
}

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** Kept-alive connections: node:http costs the caller half the CPU of fetch per request (the bench's load shares the box). */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** One JSON call to the gateway. */
export function call(base: string, method: string, path: string, token?: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { ...extraHeaders };
  if (token) headers.authorization = `Bearer ${token}`;
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = request(base + path, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A new customer, signed up and logged in through the gateway. */
export async function newCustomer(base: string, label = 'customer'): Promise<{ id: string; token: string; email: string }> {
  const email = `${label}.${randomUUID().slice(0, 12)}@shop.example`;
  const password = 'correct-horse-1';
  const signup = await call(base, 'POST', '/auth/signup', undefined, { email, password, name: 'Kim Minji', phone: '010-1234-5678' });
  if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${JSON.stringify(signup.body)}`);
  return { id: signup.body.id, token: await logIn(base, email, password), email };
}

export async function logIn(base: string, email: string, password: string): Promise<string> {
  const login = await call(base, 'POST', '/auth/login', undefined, { email, password });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  return login.body.accessToken;
}

/**
 * Runs `work` while one app's process is stopped (SIGSTOP): it answers nothing and consumes nothing, as a service
 * stalled mid-saga would, and holds its partitions; SIGCONT afterwards, always. Keep `work` well under the consumer
 * session timeout (CONSUMER_SESSION_TIMEOUT_MS, 6 s), or the broker gives the app's partitions away and the test no
 * longer stages what it meant to.
 */
export async function whilePaused<T>(shop: Shop, name: Service, work: () => Promise<T>): Promise<T> {
  const proc = shop.procs.find((p) => p.name === name);
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`${name} is not running`);
  proc.child.kill('SIGSTOP');
  try {
    return await work();
  } finally {
    proc.child.kill('SIGCONT');
  }
}

/**
 * Resolves once one of the shop's consumer groups (`ordermanagement`, `order-mypage`, ...) has handled, and
 * committed, every message on `topic` published before the call: how a test knows an event was handled when
 * handling it rightly leaves nothing to see.
 */
export async function handledSoFar(shop: Shop, group: string, topic: string, timeoutMs = 30_000): Promise<void> {
  if (!shopGroups().get(group)?.includes(topic)) throw new Error(`the ${group} group does not read ${topic}`);
  const admin = driverFromEnv('shop-e2e').admin();
  await admin.connect();
  try {
    const ends = new Map((await admin.topicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [{ partitions }] = await admin.groupOffsets(`${shop.groupPrefix}${group}`, [topic]);
      const behind = partitions.filter((p) => BigInt(p.offset) < (ends.get(p.partition) ?? 0n));
      if (!behind.length) return;
      if (Date.now() > deadline) {
        const where = behind.map((p) => `[${p.partition}] at ${p.offset} of ${ends.get(p.partition)}`).join(', ');
        throw new Error(`${group} did not catch up with ${topic} within ${timeoutMs} ms: ${where}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Messages each of the shop's consumer groups has not yet handled (committed), summed over its topics. */
export async function groupLag(shop: Shop): Promise<Record<string, number>> {
  const admin = driverFromEnv('shop-e2e').admin();
  await admin.connect();
  try {
    const groups = shopGroups();
    const ends = new Map<string, Map<number, bigint>>();
    for (const topic of new Set([...groups.values()].flat())) {
      ends.set(topic, new Map((await admin.topicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)])));
    }
    const lag: Record<string, number> = {};
    for (const [group, topics] of groups) {
      let behind = 0n;
      for (const { topic, partitions } of await admin.groupOffsets(`${shop.groupPrefix}${group}`, topics)) {
        for (const p of partitions) {
          const end = ends.get(topic)?.get(p.partition) ?? 0n;
          if (BigInt(p.offset) >= 0n && end > BigInt(p.offset)) behind += end - BigInt(p.offset);
        }
      }
      lag[group] = Number(behind);
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}
