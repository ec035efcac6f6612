#!/usr/bin/env node
// Homestore's one command for developers and CI: provision what the system needs, then start every
// app, run the tests or run a benchmark. `node scripts/homestore.mjs --help` lists the commands.
//
// Provisioning (every command): npm ci when node_modules is missing or package-lock.json changed,
// Node >= 20.19, a Kafka broker (scripts/kafka.mjs), PostgreSQL answering at DATABASE_URL, the build,
// and the topics of libs/events. Each app creates and migrates its own database when it starts.
//
// Dependency-free at the top level (node builtins and scripts/kafka.mjs) because it runs before
// `npm ci`; installed packages (pg, kafkajs, jest) are loaded only once provisioning installed them.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureKafka, kafkaSaslBrokers, kafkaSaslSslBrokers, kafkaStatus, KafkaScriptError, stopKafka, TEST_DATA_DIR, TLS_CA_FILE } from './kafka.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const requireFromRoot = createRequire(join(ROOT, 'package.json'));

const MIN_NODE = [20, 19];
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;
const LOCK_HASH_FILE = join(ROOT, 'node_modules', '.homestore-lock-hash');

/** Every app and its port: the default PORT of its apps/<app>/src/<app>.config.ts. Start order. */
const APPS = [
  { name: 'gateway', port: 8080 },
  { name: 'user', port: 3001 },
  { name: 'order', port: 3002 },
  { name: 'payment', port: 3003 },
  { name: 'ordermanagement', port: 3004 },
  { name: 'delivery', port: 3005 },
  { name: 'message', port: 3006 },
  { name: 'mileage', port: 3007 },
];

/**
 * The developer console (tools/console): topics, consumer groups, dead letters and order timelines in a browser. Run
 * from its TypeScript source (tools/ is not built); on CONSOLE_HOST (default 127.0.0.1, where it asks no token) at
 * CONSOLE_PORT, else 8090 or the next free port.
 */
const CONSOLE = { name: 'console', firstPort: 8090, entry: ['-r', '@swc-node/register', join('tools', 'console', 'src', 'main.ts')] };

/**
 * Told to the tests and benchmarks this script runs, after provisioning built dist/: the shop's processes
 * (test/e2e/shop.ts) then start from the build's bundles, as npm start and the images do, instead of compiling the
 * TypeScript at every start (1.4 s of CPU an app, which a SIGKILLed app's restart under load waits for).
 */
const BUILT = { HOMESTORE_APPS_BUILT: '1' };

/** Debian's chromium, which the console's browser test drives through playwright-core (no browser download). */
const CHROMIUM = '/usr/bin/chromium';

/** Local defaults, also documented in .env.example; the environment (and .env) wins. */
const DEFAULTS = {
  NODE_ENV: 'development',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432',
  STORE_ADMIN_EMAIL: 'store@homestore.local',
  STORE_ADMIN_PASSWORD: 'homestore-store-1',
  KAFKA_PARTITIONS: '6',
  KAFKA_REPLICATION_FACTOR: '1',
};

const HELP = `Usage: node scripts/homestore.mjs <command> [args]

Commands:
  start                 Provision, start every app and the developer console, wait until
                        each answers /health/ready and print where everything is. Ctrl+C
                        stops them, and Kafka if this command started it.      (npm start)
  test [jest args]      Provision, then run jest with every project (unit, integration, the
                        messaging guarantees again with the other KAFKA_CLIENT, then e2e;
                        chromium installed with apt-get when ${CHROMIUM} is missing);
                        extra args go to jest, e.g. --selectProjects unit. (npm test -- ...)
  bench <file> [args]   Provision, then run a TypeScript benchmark with @swc-node/register.
                                                              (npm run bench -- <file>)
  provision             Only provision (leaves Kafka running).
  help                  This help (also -h, --help).

Provisioning, before every command:
  npm ci when node_modules is missing or package-lock.json changed; Node >= ${MIN_NODE.join('.')};
  a Kafka broker (KAFKA_BROKERS, or a local one from scripts/kafka.mjs on 127.0.0.1:9092);
  PostgreSQL answering at DATABASE_URL; npm run build; the topics of libs/events
  (KAFKA_PARTITIONS partitions, KAFKA_REPLICATION_FACTOR replicas).

Environment (see .env.example; a .env file is loaded if present, the environment wins):
  DATABASE_URL              PostgreSQL server (default ${DEFAULTS.DATABASE_URL})
  KAFKA_BROKERS             use this Kafka instead of starting a local broker
  KAFKA_PARTITIONS          partitions of a created topic (default ${DEFAULTS.KAFKA_PARTITIONS})
  KAFKA_REPLICATION_FACTOR  replicas of a created topic (default ${DEFAULTS.KAFKA_REPLICATION_FACTOR})
  LOG_FORMAT                the apps' logs under start: pretty (default on a terminal) or json
  CONSOLE_HOST, CONSOLE_PORT  the developer console's address (default 127.0.0.1, 8090 or the next
                            free port); off this machine it asks for a store-role token
  KEEP_KAFKA=1              do not stop a broker this command started when it ends
  CI=true                   pass --ci to jest
`;

// ---------------------------------------------------------------------------------------------
// Output: line-oriented always; colour only on a terminal
// ---------------------------------------------------------------------------------------------

const useColor = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
const paint = (code) => (s) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = paint('1');
const red = paint('31;1');
const yellow = paint('33');
const dim = paint('2');
const APP_COLORS = ['36', '35', '33', '32', '34', '96', '95', '92'].map(paint);
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

const say = (msg) => process.stdout.write(`${bold('[homestore]')} ${msg}\n`);
const warn = (msg) => process.stderr.write(`${bold('[homestore]')} ${yellow(`warning: ${msg}`)}\n`);
const secs = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A failure meant for humans: printed without a stack, exit code 1. */
class HomestoreError extends Error {}

// ---------------------------------------------------------------------------------------------
// Provisioning
// ---------------------------------------------------------------------------------------------

/** What a command has to undo when it ends. */
const session = { kafkaStartedHere: false, testBrokerData: false };

async function provision() {
  const t0 = Date.now();
  checkNode();
  checkSettings();
  await step('dependencies', installDependencies);
  const brokers = await step('kafka', provisionKafka);
  const database = await step('postgresql', checkPostgres);
  await step('build', build);
  await step('topics', () => createTopics(brokers));
  say(`provisioned in ${secs(t0)}`);
  return { brokers, database };
}

async function step(name, fn) {
  const t0 = Date.now();
  const result = await fn();
  say(dim(`${name} done (${secs(t0)})`));
  return result;
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    throw new HomestoreError(
      `Node ${MIN_NODE.join('.')} or newer is required, this is ${process.version}. Install a current Node LTS (e.g. with nvm) and re-run.`,
    );
  }
  say(`Node ${process.version}`);
}

/** Settings used later, checked first so that a typo fails in a second, not after the build. */
function checkSettings() {
  positiveInt('KAFKA_PARTITIONS');
  positiveInt('KAFKA_REPLICATION_FACTOR');
  postgresServerUrl();
}

async function installDependencies() {
  const lockFile = join(ROOT, 'package-lock.json');
  if (!existsSync(lockFile)) throw new HomestoreError('package-lock.json is missing: it pins every dependency, restore it from git.');
  const want = createHash('sha256').update(readFileSync(lockFile)).digest('hex');
  const hasModules = existsSync(join(ROOT, 'node_modules'));
  const have = hasModules && existsSync(LOCK_HASH_FILE) ? readFileSync(LOCK_HASH_FILE, 'utf8').trim() : null;
  if (have === want) {
    say('dependencies up to date with package-lock.json');
    return;
  }
  // Installed by hand (no hash yet): trust npm's own record of the tree rather than wiping node_modules.
  if (hasModules && have === null && installedTreeMatchesLock(lockFile)) {
    writeFileSync(LOCK_HASH_FILE, `${want}\n`);
    say('dependencies match package-lock.json (recorded its hash)');
    return;
  }
  const why = !hasModules ? 'node_modules is missing' : 'package-lock.json changed since the last install';
  say(`running npm ci (${why})…`);
  const code = await run(npmCommand(), ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (code !== 0) throw new HomestoreError(`npm ci failed (exit ${code}); see its output above.`);
  writeFileSync(LOCK_HASH_FILE, `${want}\n`);
}

/** Does npm's hidden lockfile (the tree it installed) match package-lock.json version for version? */
function installedTreeMatchesLock(lockFile) {
  try {
    const lock = JSON.parse(readFileSync(lockFile, 'utf8')).packages ?? {};
    const installed = JSON.parse(readFileSync(join(ROOT, 'node_modules', '.package-lock.json'), 'utf8')).packages ?? {};
    for (const [path, meta] of Object.entries(lock)) {
      if (path === '') continue;
      if (!installed[path]) {
        if (meta.optional) continue; // platform-specific binaries of other platforms
        return false;
      }
      if (installed[path].version !== meta.version) return false;
    }
    return Object.keys(installed).every((path) => path in lock);
  } catch {
    return false;
  }
}

async function provisionKafka() {
  const before = await kafkaStatus();
  const brokers = await ensureKafka({ log: (m) => say(`kafka: ${m}`) });
  const after = await kafkaStatus();
  // ensureKafka does not say whether it started the broker; it did if none (of ours) existed before and ours runs now.
  session.kafkaStartedHere = !before.external && !before.running && !before.ours && after.ours;
  return brokers;
}

async function checkPostgres() {
  const serverUrl = process.env.DATABASE_URL || DEFAULTS.DATABASE_URL;
  const url = postgresServerUrl();
  url.pathname = '/postgres';
  const { Client } = requireFromRoot('pg');
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows } = await client.query(
      `SELECT current_setting('server_version') AS version, (SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user) AS createdb`,
    );
    say(`PostgreSQL ${rows[0].version} answers at ${redact(serverUrl)}`);
    if (!rows[0].createdb) {
      warn(`the role in DATABASE_URL may not create databases: create the homestore_<service> databases beforehand or grant CREATEDB.`);
    }
  } catch (e) {
    throw new HomestoreError(
      `PostgreSQL does not answer at ${redact(serverUrl)}: ${e.message || e.code || e}.\n` +
        `  Start PostgreSQL (locally: 127.0.0.1:5432, user postgres) or point DATABASE_URL at a server you can reach.`,
    );
  } finally {
    await client.end().catch(() => {});
  }
  return redact(serverUrl);
}

function postgresServerUrl() {
  const serverUrl = process.env.DATABASE_URL || DEFAULTS.DATABASE_URL;
  try {
    const url = new URL(serverUrl);
    if (/^postgres(ql)?:$/.test(url.protocol) && url.host) return url;
  } catch {}
  throw new HomestoreError(`DATABASE_URL must look like postgres://user[:password]@host:port (got "${redact(serverUrl)}").`);
}

function redact(url) {
  return url.replace(/(\/\/[^:/@]+):[^@/]*@/, '$1:***@');
}

async function build() {
  say('building (npm run build)…');
  const code = await run(npmCommand(), ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (code !== 0) throw new HomestoreError(`the build failed (exit ${code}); see the TypeScript errors above.`);
}

async function createTopics(brokers) {
  const partitions = positiveInt('KAFKA_PARTITIONS');
  const replicationFactor = positiveInt('KAFKA_REPLICATION_FACTOR');
  const { ALL_TOPICS } = requireFromRoot(join(ROOT, 'dist/libs/events/src/topics.js'));
  // Through the apps' own Kafka driver (KAFKA_CLIENT) and settings (KAFKA_SSL*, KAFKA_SASL_*). The client logs through
  // Nest's logger: here only its warnings and errors (not the retried "not the leader yet" of a topic just created).
  requireFromRoot('@nestjs/common').Logger.overrideLogger(['fatal', 'error', 'warn']);
  const { driverFromEnv } = requireFromRoot(join(ROOT, 'dist/libs/messaging/src/driver/index.js'));
  const { ensureTopics } = requireFromRoot(join(ROOT, 'dist/libs/messaging/src/topics.js'));
  const driver = driverFromEnv('homestore-provision', { ...process.env, KAFKA_BROKERS: brokers });
  const admin = driver.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = ALL_TOPICS.filter((t) => !existing.has(t));
    if (missing.length) {
      await ensureTopics(driver, missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })));
      say(`created ${missing.length} topics (${partitions} partitions, replication factor ${replicationFactor}): ${missing.join(', ')}`);
    }
    const present = ALL_TOPICS.filter((t) => existing.has(t));
    if (present.length) {
      for (const t of await admin.partitionsOf(present)) {
        if (t.partitions.length !== partitions) {
          warn(`topic ${t.topic} has ${t.partitions.length} partitions, not KAFKA_PARTITIONS=${partitions}; left as it is (changing it would move keys between partitions)`);
        }
      }
      say(`${present.length} of ${ALL_TOPICS.length} topics already existed${missing.length ? '' : ': nothing to create'}`);
    }
  } catch (e) {
    throw new HomestoreError(`creating the topics on ${brokers} failed: ${e.message}`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

function positiveInt(name) {
  const raw = process.env[name] || DEFAULTS[name];
  if (!/^[1-9]\d*$/.test(raw)) throw new HomestoreError(`${name} must be a positive integer (got "${raw}").`);
  return Number(raw);
}

// ---------------------------------------------------------------------------------------------
// start
// ---------------------------------------------------------------------------------------------

async function start() {
  const { brokers, database } = await provision();
  await checkPortsFree();

  const env = { ...DEFAULTS, ...process.env, KAFKA_BROKERS: brokers };
  for (const name of ['PORT', 'DATABASE_NAME']) {
    if (env[name]) warn(`${name}=${env[name]} is ignored by npm start: every app uses its own (see .env.example)`);
    delete env[name];
  }
  // A person reads these logs: one readable line each, unless LOG_FORMAT says otherwise (json, e.g. piped into jq).
  if (!env.LOG_FORMAT) env.LOG_FORMAT = process.stdout.isTTY ? 'pretty' : 'json';
  if (!useColor) env.NO_COLOR = '1'; // Nest colours its logs even into a pipe
  delete env.FORCE_COLOR;

  const t0 = Date.now();
  const width = Math.max(...APPS.map((a) => a.name.length));
  const procs = APPS.map((app, i) => launch(app, env, APP_COLORS[i % APP_COLORS.length](app.name.padEnd(width))));
  const devConsole = await consoleApp(env);
  procs.push(launch(devConsole, { ...env, CONSOLE_PORT: String(devConsole.port), SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json') }, dim(CONSOLE.name.padEnd(width))));
  const stopped = new Promise((resolveStopped) => {
    const onSignal = (signal) => {
      if (shutdownState.promise) {
        warn(`${signal} again: killing the apps now`);
        for (const p of procs) if (!p.exit) p.child.kill('SIGKILL');
        return;
      }
      say(`${signal} received, stopping…`);
      resolveStopped(shutdown(procs));
    };
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, onSignal);
  });
  process.on('exit', () => {
    for (const p of procs) if (!p.exit) p.child.kill('SIGTERM');
  });

  const failures = await waitReady(procs, t0);
  if (shutdownState.promise) return stopped; // interrupted while starting
  if (failures.length) {
    await sleep(500); // an app rarely fails alone: name every one that has exited by now
    for (const p of procs) {
      if (p.exit && !failures.some((f) => f.proc === p)) failures.push({ proc: p, why: `it ${describeExit(p.exit)} while starting` });
    }
    process.stderr.write(`\n${red(`${failures.length} app(s) did not become ready:`)}\n`);
    for (const f of failures) {
      process.stderr.write(`\n${red(`✗ ${f.proc.app.name}: ${f.why}`)}\n`);
      process.stderr.write(`  last log lines:\n${f.proc.tail.map((l) => `    ${l}`).join('\n') || '    (none)'}\n`);
    }
    process.stderr.write('\n');
    await shutdown(procs);
    throw new HomestoreError(`start failed: ${failures.map((f) => f.proc.app.name).join(', ')} not ready.`);
  }
  printSummary(brokers, database, secs(t0), devConsole);
  const code = await stopped;
  return procs.some((p) => p.died) ? 1 : code;
}

async function checkPortsFree() {
  const busy = [];
  await Promise.all(APPS.map(async (a) => (await portAnswers(a.port)) && busy.push(`${a.port} (${a.name})`)));
  if (busy.length) {
    throw new HomestoreError(
      `port(s) ${busy.join(', ')} already in use: is another \`npm start\` running? Stop it (or whatever holds the port) and re-run.`,
    );
  }
}

/** The console's address: CONSOLE_HOST and CONSOLE_PORT when set, else 127.0.0.1 and the first free port from 8090. */
async function consoleApp(env) {
  const host = env.CONSOLE_HOST || '127.0.0.1';
  let port = Number(env.CONSOLE_PORT) || 0;
  for (let p = CONSOLE.firstPort; !port; p++) if (!(await portAnswers(p))) port = p;
  return { ...CONSOLE, host, port };
}

function portAnswers(port) {
  return new Promise((res) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const done = (v) => {
      sock.destroy();
      res(v);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Starts one app with its output prefixed by its name; keeps its last lines for error reports. */
function launch(app, env, label) {
  const child = spawn(process.execPath, app.entry ?? [join('dist', 'apps', app.name, 'main.js')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = { app, child, tail: [], exit: null, running: false, died: false, lastAnswer: 'no answer yet' };
  const onLine = (line) => {
    proc.tail.push(stripAnsi(line));
    if (proc.tail.length > 15) proc.tail.shift();
    process.stdout.write(`${label} ${dim('|')} ${line}\n`);
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  child.on('error', (e) => {
    proc.exit ??= { code: null, signal: null, error: e.message };
  });
  child.on('exit', (code, signal) => {
    proc.exit = { code, signal };
    if (proc.running && !shutdownState.promise) {
      proc.died = true;
      // Let the last lines of its output arrive before the banner.
      setTimeout(() => reportDeath(proc), 100);
    }
  });
  return proc;
}

function describeExit(exit) {
  if (exit.error) return `could not be started: ${exit.error}`;
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

function reportDeath(proc) {
  const bar = red('!'.repeat(78));
  process.stderr.write(
    `\n${bar}\n${red(`!! ${proc.app.name.toUpperCase()} DIED: it ${describeExit(proc.exit)}.`)}\n` +
      `!! last log lines:\n${proc.tail.map((l) => `!!   ${l}`).join('\n')}\n` +
      `!! The other apps keep running; Ctrl+C stops everything.\n${bar}\n\n`,
  );
}

/** Polls every app's /health/ready until 200; an app that exits, or the timeout, is a failure. */
async function waitReady(procs, t0) {
  const deadline = t0 + READY_TIMEOUT_MS;
  let someoneFailed = false;
  const results = await Promise.all(
    procs.map(async (p) => {
      const url = `http://${p.app.host && p.app.host !== '0.0.0.0' ? p.app.host : '127.0.0.1'}:${p.app.port}/health/ready`;
      for (;;) {
        if (shutdownState.promise) return null;
        if (p.exit) {
          someoneFailed = true;
          await sleep(100); // its last lines
          return { proc: p, why: `it ${describeExit(p.exit)} while starting` };
        }
        if (someoneFailed) return null;
        if (Date.now() > deadline) {
          return { proc: p, why: `/health/ready not 200 within ${READY_TIMEOUT_MS / 1000}s (last answer: ${p.lastAnswer})` };
        }
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
          const body = await res.text();
          if (res.status === 200) {
            p.running = true;
            say(`${p.app.name} ready (${secs(t0)})`);
            return null;
          }
          p.lastAnswer = `${res.status} ${body.slice(0, 300)}`;
        } catch (e) {
          p.lastAnswer = e.cause?.code ?? e.name ?? String(e);
        }
        await sleep(300);
      }
    }),
  );
  // When one app died the others stopped waiting; they are reported only if they died too.
  return results.filter(Boolean);
}

function printSummary(brokers, database, readyIn, devConsole) {
  const width = Math.max(...APPS.map((a) => a.name.length));
  const row = (k, v) => `  ${k.padEnd(width + 2)}${v}`;
  const kafkaNote = session.kafkaStartedHere ? 'started by this command, stopped with it' : 'already running, left running';
  const lines = [
    '',
    bold(`Homestore is running: ${APPS.length} apps ready in ${readyIn}`),
    '',
    row('app', 'URL (each serves /health/live, /health/ready, /metrics)'),
    ...APPS.map((a) => row(a.name, `http://localhost:${a.port}`)),
    '',
    row('gateway', `${bold(`http://localhost:${APPS[0].port}`)}  <- API clients call everything here`),
    row('console', `${bold(`http://${devConsole.host === '127.0.0.1' ? 'localhost' : devConsole.host}:${devConsole.port}`)}  <- topics, consumer lag, dead letters (replay), order timelines${devConsole.host === '127.0.0.1' ? '' : ' (store-role token)'}`),
    row('kafka', `${brokers} (${kafkaNote})`),
    row('postgres', `${database} (one database per app: homestore_<app>)`),
    row('store', `${process.env.STORE_ADMIN_EMAIL || DEFAULTS.STORE_ADMIN_EMAIL} / ${process.env.STORE_ADMIN_PASSWORD || DEFAULTS.STORE_ADMIN_PASSWORD}  (store clerk: STORE_ADMIN_EMAIL / STORE_ADMIN_PASSWORD)`),
    '',
    'Ctrl+C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

const shutdownState = { promise: null };

/** SIGTERM to every app, up to STOP_TIMEOUT_MS for them to leave, then SIGKILL. Resolves to an exit code. */
function shutdown(procs) {
  shutdownState.promise ??= (async () => {
    const t0 = Date.now();
    const alive = procs.filter((p) => !p.exit);
    if (alive.length) say(`stopping ${alive.map((p) => p.app.name).join(', ')}…`);
    for (const p of alive) p.child.kill('SIGTERM');
    const exited = (p) => new Promise((r) => (p.exit ? r() : p.child.once('exit', () => r())));
    const all = Promise.all(alive.map(exited));
    const timedOut = await Promise.race([all.then(() => false), sleep(STOP_TIMEOUT_MS).then(() => true)]);
    let code = 0;
    if (timedOut) {
      const stuck = alive.filter((p) => !p.exit);
      warn(`${stuck.map((p) => p.app.name).join(', ')} did not stop within ${STOP_TIMEOUT_MS / 1000}s: SIGKILL`);
      for (const p of stuck) p.child.kill('SIGKILL');
      await all;
      code = 1;
    }
    for (const p of alive) {
      // Nest re-raises the signal after its shutdown hooks, so "killed by SIGTERM/SIGINT" is a clean stop.
      const clean = p.exit.code === 0 || ['SIGTERM', 'SIGINT'].includes(p.exit.signal);
      if (!clean && !timedOut) {
        warn(`${p.app.name} ${describeExit(p.exit)} while stopping`);
        code = 1;
      }
    }
    say(`apps stopped (${secs(t0)})`);
    return code;
  })();
  return shutdownState.promise;
}

// ---------------------------------------------------------------------------------------------
// test, bench
// ---------------------------------------------------------------------------------------------

/**
 * The end-to-end suites start every app as its own process on the real topics and consumer groups; run beside the
 * integration suites they would take partitions from them, so they run after, on their own, one file at a time (the
 * chaos suite kills the broker and PostgreSQL).
 */
const PHASES = [
  { args: ['--selectProjects', 'unit', 'integration'] },
  // The guarantee tests (outbox, consumer, rebalances, kills, the tools) once more with the other Kafka client, so
  // that KAFKA_CLIENT can be switched without surprise (the driver contract and SASL suites try both every time).
  {
    args: ['libs/messaging/test', 'tools/ops/test', '--selectProjects', 'integration', '--testPathIgnorePatterns', 'driver-contract|sasl'],
    otherClient: true,
  },
  { args: ['--selectProjects', 'e2e', '--runInBand'] },
];

/** The Kafka clients of libs/messaging's driver port (KAFKA_CLIENT); the default is KafkaConfig's in libs/platform. */
const KAFKA_CLIENTS = ['kafkajs', 'platformatic'];
const DEFAULT_KAFKA_CLIENT = 'platformatic';

async function test(args) {
  await useTestBrokerData();
  const { brokers } = await provision();
  if (!args.length || args.some((a) => a.includes('e2e'))) await step('chromium', ensureChromium);
  const jest = requireFromRoot.resolve('jest/bin/jest');
  const env = { ...plainWithoutTty(process.env), ...BUILT, KAFKA_BROKERS: brokers, DATABASE_URL: process.env.DATABASE_URL || DEFAULTS.DATABASE_URL };
  // The SASL suite's listeners: the local broker's, unless these name another Kafka's.
  env.KAFKA_SASL_BROKERS = kafkaSaslBrokers();
  env.KAFKA_SASL_SSL_BROKERS = kafkaSaslSslBrokers();
  env.KAFKA_SASL_SSL_CA_FILE = process.env.KAFKA_SASL_SSL_CA_FILE || TLS_CA_FILE;
  const ci = process.env.CI === 'true' && !args.includes('--ci') ? ['--ci'] : [];
  // Arguments choose what to run (e.g. --selectProjects unit); without any, every phase runs in turn.
  const client = env.KAFKA_CLIENT || DEFAULT_KAFKA_CLIENT;
  for (const phase of args.length ? [{ args }] : PHASES) {
    const jestArgs = [...ci, ...phase.args];
    const other = phase.otherClient ? KAFKA_CLIENTS.find((c) => c !== client) : undefined;
    say(`running jest ${jestArgs.join(' ')}${other ? ` with KAFKA_CLIENT=${other}` : ''}`.trimEnd());
    const code = await runForwardingSignals(process.execPath, [jest, ...jestArgs], other ? { ...env, KAFKA_CLIENT: other } : env);
    if (code !== 0) {
      say(`jest exited with code ${code}`);
      return code;
    }
  }
  say('tests passed');
  return 0;
}

/** The console's browser test drives Debian's chromium: installed with apt-get (as root, or through sudo) when missing. */
async function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  say(`${CHROMIUM} is missing: installing Debian's chromium with apt-get`);
  const root = process.getuid?.() === 0;
  const apt = (...args) => (root ? run('apt-get', args, { stdio: 'inherit' }) : run('sudo', ['-n', 'apt-get', ...args], { stdio: 'inherit' }));
  const code = (await apt('update')) || (await apt('install', '-y', 'chromium'));
  if (code !== 0 || !existsSync(CHROMIUM)) {
    throw new HomestoreError(`could not install chromium (apt-get exited with ${code}). Install it yourself (apt-get install chromium) so that ${CHROMIUM} exists, and re-run.`);
  }
}

async function bench(args) {
  const [file, ...rest] = args;
  if (!file) throw new HomestoreError('bench needs a file: node scripts/homestore.mjs bench <file.ts> [args]');
  // npm runs scripts from the package root; INIT_CWD is where the user typed the command.
  const candidates = isAbsolute(file) ? [file] : [resolve(process.env.INIT_CWD || process.cwd(), file), resolve(ROOT, file)];
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw new HomestoreError(`benchmark file not found: ${file}`);
  await useTestBrokerData();
  const { brokers } = await provision();
  say(`running benchmark ${relative(ROOT, path)}`);
  // SWC_NODE_PROJECT: @swc-node/register takes paths (@homestore/*) and decorator metadata from tsconfig.json.
  const env = {
    ...plainWithoutTty(process.env),
    ...BUILT,
    KAFKA_BROKERS: brokers,
    DATABASE_URL: process.env.DATABASE_URL || DEFAULTS.DATABASE_URL,
    SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
  };
  const code = await runForwardingSignals(process.execPath, ['-r', '@swc-node/register', path, ...rest], env);
  if (code !== 0) say(`benchmark exited with code ${code}`);
  return code;
}

/** Runs a foreground child (jest, a benchmark) and passes our signals on; resolves to its exit code. */
async function runForwardingSignals(cmd, args, env) {
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, forward);
  try {
    return await new Promise((res, rej) => {
      child.on('error', (e) => rej(new HomestoreError(`could not run ${cmd}: ${e.message}`)));
      child.on('exit', (code, signal) => res(code ?? 128 + (os.constants.signals[signal] ?? 15)));
    });
  } finally {
    for (const s of signals) process.off(s, forward);
  }
}

// ---------------------------------------------------------------------------------------------
// Plumbing
// ---------------------------------------------------------------------------------------------

/** Without a terminal, no colour codes: Nest and jest's code frames colour by default (also when CI is set). */
function plainWithoutTty(env) {
  return useColor || env.FORCE_COLOR ? env : { ...env, NO_COLOR: '1' };
}

function npmCommand() {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

function run(cmd, args, options = {}) {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd: ROOT, shell: process.platform === 'win32', ...options });
    child.on('error', (e) => rej(new HomestoreError(`could not run ${cmd}: ${e.message}`)));
    child.on('exit', (code, signal) => res(code ?? (signal ? 1 : 0)));
  });
}

function loadDotEnv() {
  const file = join(ROOT, '.env');
  if (!existsSync(file)) return;
  process.loadEnvFile(file); // does not override variables already set
  say('loaded .env');
}

/**
 * A test or benchmark run that has to start the broker starts it on a data dir of its own, emptied before and after,
 * so its events are never replayed by the next `npm start` (a day of benchmarks once left 32,000 events there that
 * the shop dead-lettered). A broker that already runs (a developer's shop) is reused as it is: the run consumes in
 * groups of its own there, but its events stay on its topics.
 */
async function useTestBrokerData() {
  if ((process.env.KAFKA_BROKERS || '').trim() || (await kafkaStatus()).running) return;
  process.env.KAFKA_DATA_DIR = TEST_DATA_DIR;
  rmSync(TEST_DATA_DIR, { recursive: true, force: true });
  session.testBrokerData = true;
  say(`kafka: this run's broker keeps its data in ${relative(ROOT, TEST_DATA_DIR)}, emptied when the run ends`);
}

async function stopKafkaIfStartedHere() {
  if (!session.kafkaStartedHere) return;
  if (process.env.KEEP_KAFKA === '1') {
    say('KEEP_KAFKA=1: leaving the Kafka broker running (stop it with: npm run kafka stop)');
    return;
  }
  session.kafkaStartedHere = false;
  await stopKafka({ log: (m) => say(`kafka: ${m}`) });
  if (session.testBrokerData) rmSync(TEST_DATA_DIR, { recursive: true, force: true });
}

async function main(argv) {
  const [command, ...args] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    case 'start':
    case 'test':
    case 'bench':
    case 'provision':
      break;
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${HELP}`);
      return 2;
  }
  loadDotEnv();
  try {
    if (command === 'start') return await start();
    if (command === 'test') return await test(args);
    if (command === 'bench') return await bench(args);
    await provision();
    session.kafkaStartedHere = false; // provisioning leaves the broker running on purpose
    return 0;
  } finally {
    await stopKafkaIfStartedHere();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof HomestoreError || err instanceof KafkaScriptError) {
      process.stderr.write(`${bold('[homestore]')} ${red('error:')} ${err.message}\n`);
    } else {
      process.stderr.write(`${bold('[homestore]')} ${red('unexpected error:')} ${err?.stack ?? err}\n`);
    }
    process.exit(1);
  },
);
