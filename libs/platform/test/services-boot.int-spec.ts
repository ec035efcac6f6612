import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createServer as createHttpServer, Server } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { driverFromEnv } from '@homestore/messaging';
import { forgetGroups, shopGroups, startGroupsAtTheEnd } from '@homestore/testing';
import { databaseUrl } from '@homestore/persistence';

const ROOT = join(__dirname, '..', '..', '..');
const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
const APPS = readdirSync(join(ROOT, 'apps'));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | string>;
}

function launch(app: string, env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps', app, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, output: () => output, exited };
}

async function readiness(port: number, running: Running): Promise<{ status: string; checks: Record<string, unknown> }> {
  const deadline = Date.now() + 60_000;
  let exited = false;
  void running.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (res.status === 200) return (await res.json()) as { status: string; checks: Record<string, unknown> };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not ready:\n${running.output().slice(-3000)}`);
}

/** The gateway is ready only when its upstreams are: here they are one stub whose /health/ready answers 200. */
async function readyUpstreams(): Promise<{ env: Record<string, string>; server: Server }> {
  const port = await freePort();
  const server = createHttpServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${port}`;
  const names = ['USER', 'ORDER', 'PAYMENT', 'ORDERMANAGEMENT', 'DELIVERY', 'MESSAGE', 'MILEAGE'];
  return { env: Object.fromEntries(names.map((n) => [`${n}_URL`, url])), server };
}

describe('every app boots as its own process (real Kafka and PostgreSQL)', () => {
  const databases: string[] = [];
  let upstreams: Awaited<ReturnType<typeof readyUpstreams>>;
  // The apps consume in groups of this run's own (started at the topics' ends), never in a live shop's.
  const prefix = `boot-${randomUUID().slice(0, 8)}.`;
  const kafka = driverFromEnv('services-boot-test');

  beforeAll(async () => {
    upstreams = await readyUpstreams();
    await startGroupsAtTheEnd(kafka, prefix, shopGroups());
  });

  afterAll(async () => {
    upstreams.server.close();
    await forgetGroups(kafka, prefix);
    const client = new Client({ connectionString: databaseUrl(SERVER_URL, 'postgres') });
    await client.connect();
    for (const db of databases) await client.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await client.end();
  });

  it('has the eight services of DESIGN.md', () => {
    expect(APPS.sort()).toEqual(['delivery', 'gateway', 'message', 'mileage', 'order', 'ordermanagement', 'payment', 'user']);
  });

  it.each(APPS)('%s: is ready with its checks, serves /metrics, and exits 0 on SIGTERM', async (app) => {
    const port = await freePort();
    const database = `hs_boot_${app}_${randomUUID().slice(0, 6)}`;
    databases.push(database);
    const running = launch(app, { PORT: String(port), DATABASE_NAME: database, CONSUMER_GROUP_PREFIX: prefix, ...(app === 'gateway' && upstreams.env) });
    try {
      const ready = await readiness(port, running);
      expect(ready.status).toBe('ok');
      if (app !== 'gateway') expect(Object.keys(ready.checks)).toEqual(expect.arrayContaining(['database', 'kafka-producer', 'outbox-relay']));
      else expect(Object.keys(ready.checks).sort()).toEqual(['delivery', 'message', 'mileage', 'order', 'ordermanagement', 'payment', 'user']);
      expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain(`service="${app}"`);
      // Every app with a database shows how busy its connection pool is.
      if (app !== 'gateway') expect(metrics).toMatch(new RegExp(`homestore_db_pool_connections\\{state="waiting",service="${app}"\\} 0`));
    } finally {
      running.child.kill('SIGTERM');
    }
    expect([await running.exited, running.output().slice(-2000)]).toEqual([0, expect.any(String)]);
  });

  it('refuses to start on a bad variable, naming it, with exit code 1', async () => {
    const running = launch('order', { PORT: 'eighty', KAFKA_BROKERS: 'nowhere' });
    expect(await running.exited).toBe(1);
    expect(running.output()).toMatch(/order: invalid configuration/);
    expect(running.output()).toMatch(/PORT \(got "eighty"\)/);
    expect(running.output()).toMatch(/KAFKA_BROKERS \(got "nowhere"\)/);
  });
});
