/**
 * `npm run chaos`: the shop with two processes of every consuming app, customers ordering through the gateway at a
 * steady rate (retrying with their Idempotency-Key, cancelling some, the clerk completing some deliveries), and
 * meanwhile: every app SIGKILLed and restarted, a replica killed for good and one added, the Kafka broker SIGKILLed
 * and restarted, PostgreSQL crashed and restarted. Then the oracle (oracle.ts) checks the end state and the measured
 * recovery times, prints `N passed, M failed`, and the run exits 1 if anything failed.
 *
 * Options (or CHAOS_* variables): --rate orders/s (CHAOS_RATE, 15), --seconds of load (CHAOS_SECONDS, 150),
 * --gap seconds between faults (CHAOS_GAP, 8), --warmup seconds of load before the first fault (CHAOS_WARMUP, 60),
 * --seed (CHAOS_SEED, 1). The load lasts at least as long as the faults. The warm-up is the shop's first minute under
 * load, when every process's V8 and the broker's JVM still compile (the broker's JIT alone takes a third of its CPU
 * in a short run; `npm run bench` warms up 60 s for the same reason): a restart then competes with all of them, which
 * is not the running shop the recovery targets are about. With 20 s, the first faults' restarts were the slowest of
 * every run (docs/benchmarks.md).
 * It stops PostgreSQL and the broker only when they are this machine's and this run's own (see faults.ts).
 */
import { cpus } from 'node:os';
import { Logger } from '@nestjs/common';
import { Proc, Service, Shop, startShop } from '../e2e/shop';
import { addReplica, crashDatabase, killAndRestart, killBroker, killForGood, Recovery } from './faults';
import { drive, PlacedOrder, signUpCustomers, stockTheShop } from './load';
import { judge, settle, Verdict } from './oracle';

export interface ChaosOptions {
  ratePerSecond: number;
  seconds: number;
  gapSeconds: number;
  /** Seconds of load before the first fault (default 60). */
  warmupSeconds?: number;
  seed: number;
  /** Only the faults whose name holds this (for working on one). */
  only?: string;
  log?: (line: string) => void;
}

export interface ChaosResult {
  verdicts: Verdict[];
  passed: number;
  failed: number;
  orders: number;
}

/** Seconds of load before the first fault, by default. */
const WARMUP_SECONDS = 60;
const CONSUMING: Service[] = ['order', 'payment', 'ordermanagement', 'delivery', 'message', 'mileage'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The faults, in order, each after a gap: every app's process killed and restarted, then replicas, broker, database. */
function schedule(shop: Shop, gapMs: number): { name: string; run: () => Promise<Recovery> }[] {
  const first = (name: Service) => (): Proc => shop.procs.find((p) => p.name === name && p.instance === 1)!;
  const second = (name: Service) => (): Proc => shop.procs.find((p) => p.name === name && p.instance > 1)!;
  return [
    ...CONSUMING.map((name) => ({ name: `kill ${name}#2`, run: () => killAndRestart(shop, second(name)()) })),
    ...(['user', 'gateway', ...CONSUMING] as Service[]).map((name) => ({ name: `kill ${name}#1`, run: () => killAndRestart(shop, first(name)()) })),
    { name: 'kill payment#2 for good', run: () => killForGood(shop, second('payment')()) },
    { name: 'add a payment replica', run: () => addReplica(shop, 'payment') },
    { name: 'kill the broker', run: () => killBroker(shop, Math.min(gapMs, 3000)) },
    { name: 'crash PostgreSQL', run: () => crashDatabase(shop, Math.min(gapMs, 3000)) },
  ];
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  // The run's own Kafka clients (the oracle's admin) log through Nest: no debug lines among the figures.
  Logger.overrideLogger(['fatal', 'error', 'warn']);
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const gapMs = options.gapSeconds * 1000;
  log(`chaos: ${cpus().length} cores (${cpus()[0]?.model}), ${options.ratePerSecond} orders/s, faults every ${options.gapSeconds} s, seed ${options.seed}`);
  const shop = await startShop({
    env: { STORE_AUTO_ACCEPT: 'true', RATE_LIMIT_IP: '1000000', RATE_LIMIT_USER: '1000000', LOG_LEVEL: 'warn' },
    // The customers' tokens outlive the run: the oracle reads their wallets with them at the end.
    perApp: { user: { AUTH_TOKEN_TTL_SECONDS: '3600' } },
    instances: Object.fromEntries(CONSUMING.map((s) => [s, 2])),
    readyTimeoutMs: 120_000,
  });
  try {
    const { catalog, clerkToken } = await stockTheShop(shop, 3, 1_000_000);
    // Before the load: the warm-up below is orders, not signups.
    const customers = await signUpCustomers(shop, 20);
    const faults = schedule(shop, gapMs).filter((f) => !options.only || f.name.includes(options.only));
    log(`${faults.length} faults, the first after ${options.warmupSeconds ?? WARMUP_SECONDS} s of load, then one every ${options.gapSeconds} s once the last has recovered, under a load of at least ${options.seconds} s`);
    let lastFaultAt = Number.POSITIVE_INFINITY;
    const retryUntil = () => lastFaultAt + 60_000;
    // The load goes on until a gap after the last fault: every fault happens under load.
    const goOn = () => Date.now() < lastFaultAt + gapMs;
    const load = drive(shop, catalog, clerkToken, customers, { ratePerSecond: options.ratePerSecond, seconds: options.seconds, goOn, seed: options.seed }, retryUntil);
    load.catch(() => undefined); // awaited below; a failure must not end the process before the shop is stopped
    const recoveries: Recovery[] = [];
    await sleep((options.warmupSeconds ?? WARMUP_SECONDS) * 1000);
    for (const fault of faults) {
      await sleep(gapMs);
      const recovery = await fault.run();
      recoveries.push(recovery);
      log(`  ${recovery.fault}: ${recovery.skipped ? `skipped (${recovery.skipped})` : recovery.seconds === null ? 'did not recover' : `${recovery.until} in ${recovery.seconds.toFixed(1)} s`}${recovery.detail ? ` (${recovery.detail})` : ''}`);
      if (!recovery.skipped && (recovery.seconds === null || recovery.seconds > recovery.target)) {
        for (const p of shop.procs) log(`    --- ${p.name}#${p.instance}, last lines:\n${p.output().slice(-800).replace(/^/gm, '    ')}`);
      }
    }
    lastFaultAt = Date.now();
    const orders = await load;
    log(`load done: ${orders.length} orders accepted; waiting for every saga to end (60 s at the most from the last fault)`);
    const unsettled = await settle(shop, orders, lastFaultAt + 60_000);
    const verdicts = await judge(shop, orders, customers, catalog, unsettled, recoveries);
    return report(verdicts, orders, log);
  } catch (error) {
    log(`chaos run failed before its oracle: ${(error as Error).stack ?? error}`);
    for (const p of shop.procs) log(`--- ${p.name}#${p.instance}\n${p.output().slice(-1500)}`);
    throw error;
  } finally {
    await shop.stop();
  }
}

function report(verdicts: Verdict[], orders: PlacedOrder[], log: (line: string) => void): ChaosResult {
  for (const v of verdicts) log(`${v.ok ? 'PASS' : 'FAIL'}  ${v.check} — ${v.detail}`);
  const failed = verdicts.filter((v) => !v.ok).length;
  const passed = verdicts.length - failed;
  log(`${passed} passed, ${failed} failed`);
  return { verdicts, passed, failed, orders: orders.length };
}

function option(argv: string[], name: string, env: string, fallback: number): number {
  const at = argv.indexOf(`--${name}`);
  const raw = at >= 0 ? argv[at + 1] : process.env[env];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} (${env}) must be a positive number, not ${raw}`);
  return value;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write('Usage: npm run chaos [-- --rate 15 --seconds 150 --gap 8 --warmup 60 --seed 1 --only <fault name part>]\n');
    process.exit(0);
  }
  let options: ChaosOptions;
  try {
    options = {
      ratePerSecond: option(argv, 'rate', 'CHAOS_RATE', 15),
      seconds: option(argv, 'seconds', 'CHAOS_SECONDS', 150),
      gapSeconds: option(argv, 'gap', 'CHAOS_GAP', 8),
      warmupSeconds: option(argv, 'warmup', 'CHAOS_WARMUP', WARMUP_SECONDS),
      seed: option(argv, 'seed', 'CHAOS_SEED', 1),
      only: argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : process.env.CHAOS_ONLY,
    };
  } catch (e) {
    process.stderr.write(`chaos: ${(e as Error).message}\n`);
    process.exit(2);
  }
  runChaos(options).then(
    (result) => process.exit(result.failed ? 1 : 0),
    () => process.exit(1),
  );
}
