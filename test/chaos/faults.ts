/**
 * The faults `npm run chaos` injects, and how long the shop takes to get over each: SIGKILL of an app's process
 * (restarted at once), of a replica for good, a replica added, SIGKILL of the Kafka broker, an immediate stop of
 * PostgreSQL. Each answers what it measured; none throws when the shop is slow to recover (the oracle judges).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { driverFromEnv } from '@homestore/messaging';
import { groupsOf, shopGroups } from '@homestore/testing';
import { ROOT, Proc, Service, Shop } from '../e2e/shop';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One fault and what was measured: `seconds` from the moment it counts from to the shop having recovered. */
export interface Recovery {
  fault: string;
  /** What the time is measured to (e.g. "ready", "partitions moved"). */
  until: string;
  seconds: number | null;
  /** The target the issue sets for it, in seconds. */
  target: number;
  skipped?: string;
  /** How the time splits, when it has parts. */
  detail?: string;
}

/**
 * Null when the process answers ready, else why not (its readiness checks that are down, or no answer). It waits for
 * the answer as long as the apps' Kubernetes readiness probe does (timeoutSeconds: 3): each check may take up to 2 s
 * (HealthRegistry), and a busy app answering in 1.5 s is ready for its Service.
 */
async function notReady(url: string): Promise<string | null> {
  try {
    const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3000) });
    if (res.status === 200) {
      await res.body?.cancel();
      return null;
    }
    const report = (await res.json().catch(() => ({}))) as { checks?: Record<string, { status: string; error?: string }> };
    const down = Object.entries(report.checks ?? {}).filter(([, c]) => c.status !== 'up');
    return down.map(([name, c]) => `${name}: ${c.error ?? 'down'}`).join('; ') || `status ${res.status}`;
  } catch (e) {
    return `no answer (${(e as Error).message})`;
  }
}

/** Seconds from `since` until something was so (null if never), and what was still not so at the look before. */
interface Waited {
  seconds: number | null;
  last?: string;
}

/** Seconds from `since` until every one of `procs` answers ready (null past `timeoutMs`); `last`: who was not, and why. */
export async function secondsUntilReady(procs: Proc[], since: number, timeoutMs = 90_000): Promise<Waited> {
  const deadline = since + timeoutMs;
  let last: string | undefined;
  while (Date.now() < deadline) {
    const down = (await Promise.all(procs.map(async (p) => ({ p, why: await notReady(p.url) })))).filter((d) => d.why !== null);
    if (!down.length) return { seconds: (Date.now() - since) / 1000, last };
    last = down.map(({ p, why }) => `${p.name}#${p.instance}: ${why}`).join(' | ');
    await sleep(100);
  }
  return { seconds: null, last };
}

/** Every consumer group of the shop and the topics it reads, as the broker names them. */
function shopGroupTopics(shop: Shop): [string, string[]][] {
  return [...shopGroups()].map(([group, topics]) => [`${shop.groupPrefix}${group}`, topics]);
}

/**
 * Seconds from `since` until every group has handled (and committed) everything published before `since`: the proof
 * that the groups consume again, which readiness alone is not. Null past `timeoutMs`. `last` names the groups that were
 * behind at the poll before, and by how many records.
 */
export async function secondsUntilCaughtUp(shop: Shop, since: number, timeoutMs = 90_000): Promise<Waited> {
  const admin = driverFromEnv('chaos').admin();
  const deadline = since + timeoutMs;
  const groups = shopGroupTopics(shop);
  let ends: Map<string, Map<number, bigint>> | undefined;
  let last: string | undefined;
  try {
    while (Date.now() < deadline) {
      try {
        await admin.connect();
        if (!ends) {
          const taken = new Map<string, Map<number, bigint>>();
          for (const topic of new Set(groups.flatMap(([, topics]) => topics))) {
            taken.set(topic, new Map((await admin.topicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)])));
          }
          ends = taken;
        }
        const behind: string[] = [];
        for (const [groupId, topics] of groups) {
          let records = 0n;
          for (const { topic, partitions } of await admin.groupOffsets(groupId, topics)) {
            const end = ends.get(topic);
            for (const p of partitions) {
              const gap = (end?.get(p.partition) ?? 0n) - BigInt(p.offset);
              if (gap > 0n) records += gap;
            }
          }
          if (records > 0n) behind.push(`${groupId.slice(shop.groupPrefix.length)} ${records}`);
        }
        if (!behind.length) return { seconds: (Date.now() - since) / 1000, last };
        last = behind.join(', ');
      } catch {
        // the broker (or its group coordinator) is still loading: ask again
      }
      await sleep(200);
    }
    return { seconds: null, last };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The later of two measures (null when either never came). */
const later = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.max(a, b));

/** What a wait that went past its target was still waiting for (nothing when it was in time). */
const late = ({ seconds, last }: Waited, target: number, label: string) => (last && (seconds === null || seconds > target) ? `${label}: ${last}` : undefined);

/** How a recovery's time splits into readiness and catching up, and what the late one waited for. */
function split(ready: Waited, caughtUp: Waited, target: number): string {
  const waitedFor = [late(ready, target, 'last down'), late(caughtUp, target, 'last behind (records)')];
  return [`ready ${ready.seconds ?? 'never'}, caught up ${caughtUp.seconds ?? 'never'}`, ...waitedFor.filter(Boolean)].join('; ');
}

/** SIGKILL of one process, started again at once: seconds until it is consuming and ready. */
export async function killAndRestart(shop: Shop, proc: Proc): Promise<Recovery> {
  proc.child.kill('SIGKILL');
  await proc.exited;
  const since = Date.now();
  const again = shop.restart(proc);
  const ready = await secondsUntilReady([again], since);
  return { fault: `SIGKILL ${proc.name}#${proc.instance}, restarted at once`, until: 'ready and consuming', target: 10, seconds: ready.seconds, detail: late(ready, 10, 'last down') };
}

/** SIGKILL of a replica that never comes back: seconds until its groups are stable with the survivors only. */
export async function killForGood(shop: Shop, proc: Proc): Promise<Recovery> {
  const groups = [...groupsOf(proc.name).keys()].map((group) => `${shop.groupPrefix}${group}`);
  const admin = driverFromEnv('chaos').admin();
  await admin.connect();
  try {
    const before = new Map((await admin.describeGroups(groups)).map((g) => [g.groupId, g.members]));
    proc.child.kill('SIGKILL');
    await proc.exited;
    shop.procs.splice(shop.procs.indexOf(proc), 1);
    const since = Date.now();
    for (;;) {
      const now = await admin.describeGroups(groups);
      if (now.every((g) => g.state === 'Stable' && g.members === (before.get(g.groupId) ?? 1) - 1)) {
        return { fault: `SIGKILL ${proc.name}#${proc.instance} for good`, until: 'its partitions taken by the survivors', target: 10, seconds: (Date.now() - since) / 1000 };
      }
      if (Date.now() - since > 90_000) return { fault: `SIGKILL ${proc.name}#${proc.instance} for good`, until: 'its partitions taken by the survivors', target: 10, seconds: null };
      await sleep(100);
    }
  } finally {
    await admin.disconnect();
  }
}

/** One more replica: seconds until it is ready (it has joined its groups, which rebalanced). */
export async function addReplica(shop: Shop, app: Service): Promise<Recovery> {
  const since = Date.now();
  const proc = await shop.addInstance(app);
  const ready = await secondsUntilReady([proc], since);
  return { fault: `a new ${app} replica (#${proc.instance})`, until: 'ready and consuming', target: 30, seconds: ready.seconds, detail: late(ready, 30, 'last down') };
}

/** The local broker's pid when it is this run's own (started on the test data dir), else why it is not. */
function ownBroker(): { pid: number } | { skipped: string } {
  if (process.env.KAFKA_BROKERS && !/^(127\.0\.0\.1|localhost):9092$/.test(process.env.KAFKA_BROKERS)) return { skipped: 'KAFKA_BROKERS names a cluster this run did not start' };
  if (!/test-data$/.test(process.env.KAFKA_DATA_DIR ?? '')) return { skipped: "the broker is not this run's own (a running shop's, reused): it is not killed" };
  const pidFile = join(ROOT, '.cache', 'kafka', 'kafka.pid');
  if (!existsSync(pidFile)) return { skipped: 'no pid file of a local broker' };
  return { pid: Number(readFileSync(pidFile, 'utf8').trim()) };
}

/**
 * SIGKILL of the Kafka broker, started again after `downMs`: seconds from the broker answering again until every
 * process is ready (its producer connected, each of its groups joined and consuming).
 */
export async function killBroker(shop: Shop, downMs: number): Promise<Recovery> {
  const fault = 'SIGKILL of the Kafka broker, restarted';
  const until = 'every app ready and every group caught up with what was sent before, from the broker answering';
  const own = ownBroker();
  if ('skipped' in own) return { fault, until, target: 15, seconds: null, skipped: own.skipped };
  process.kill(own.pid, 'SIGKILL');
  while (isAlive(own.pid)) await sleep(50);
  await sleep(downMs);
  // The local broker, on this run's data dir (KAFKA_DATA_DIR): KAFKA_BROKERS would make the script look for another.
  const { KAFKA_BROKERS: _external, ...env } = process.env;
  const started = spawnSync(process.execPath, [join(ROOT, 'scripts', 'kafka.mjs'), 'start'], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  if (started.status !== 0) throw new Error(`the broker did not start again: ${started.stderr || started.stdout}`);
  const since = Date.now();
  const [ready, caughtUp] = await Promise.all([secondsUntilReady(shop.procs, since), secondsUntilCaughtUp(shop, since)]);
  return { fault, until, target: 15, seconds: later(ready.seconds, caughtUp.seconds), detail: split(ready, caughtUp, 15) };
}

/** The local PostgreSQL cluster as pg_ctlcluster knows it (Debian), when this run may stop it. */
function localCluster(): { version: string } | { skipped: string } {
  const host = new URL(SERVER_URL).hostname;
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) return { skipped: `DATABASE_URL names ${host}, not this machine's server` };
  if (process.getuid?.() !== 0) return { skipped: 'stopping PostgreSQL needs root' };
  if (spawnSync('sh', ['-c', 'command -v pg_ctlcluster']).status !== 0 || !existsSync('/etc/postgresql')) return { skipped: 'no pg_ctlcluster (Debian PostgreSQL) here' };
  const [version] = readdirSync('/etc/postgresql');
  return version ? { version } : { skipped: 'no cluster under /etc/postgresql' };
}

async function databaseAnswers(): Promise<boolean> {
  const client = new Client({ connectionString: `${SERVER_URL.replace(/\/+$/, '')}/postgres`, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * PostgreSQL stopped in immediate mode (a crash: no checkpoint, every connection cut), started again after `downMs`:
 * seconds from the database answering again until every process is ready.
 */
export async function crashDatabase(shop: Shop, downMs: number): Promise<Recovery> {
  const fault = 'PostgreSQL crashed (immediate stop), restarted';
  const until = 'every app ready and every group caught up with what was sent before, from the database answering';
  const cluster = localCluster();
  if ('skipped' in cluster) return { fault, until, target: 10, seconds: null, skipped: cluster.skipped };
  const ctl = (action: string, ...args: string[]) =>
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', cluster.version, 'main', action, ...args], { encoding: 'utf8', timeout: 120_000 });
  const stopped = ctl('stop', '-m', 'immediate');
  if (stopped.status !== 0) throw new Error(`PostgreSQL did not stop: ${stopped.stderr}`);
  await sleep(downMs);
  const started = ctl('start');
  if (started.status !== 0) throw new Error(`PostgreSQL did not start again: ${started.stderr}`);
  while (!(await databaseAnswers())) await sleep(100);
  const since = Date.now();
  const [ready, caughtUp] = await Promise.all([secondsUntilReady(shop.procs, since), secondsUntilCaughtUp(shop, since)]);
  return { fault, until, target: 10, seconds: later(ready.seconds, caughtUp.seconds), detail: split(ready, caughtUp, 10) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
