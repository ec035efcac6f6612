#!/usr/bin/env node
// Local single-node Apache Kafka (KRaft, broker+controller in one JVM) for dev and CI.
//
// The broker is the official Apache Kafka server, fetched as jars from Maven Central
// with `mvn` (honours ~/.m2) into .cache/kafka/<version>/libs and run with `java`.
// Dependency-free on purpose (node builtins only): it runs before `npm install`.
//
//   node scripts/kafka.mjs start    fetch if needed, format storage once, start detached, wait until ready
//   node scripts/kafka.mjs stop     stop the broker started by this script
//   node scripts/kafka.mjs status   running or not, and the brokers string
//   node scripts/kafka.mjs fetch    only download the jars
//   node scripts/kafka.mjs reset    stop and delete the data dir (keeps the jars)
//
// Besides PLAINTEXT on 127.0.0.1:9092 (what the apps and tests use), the broker has two listeners that ask clients
// to authenticate, so that the Kafka clients' SSL and SASL settings are tested against a real broker:
// SASL_PLAINTEXT on 127.0.0.1:9094 (KAFKA_SASL_PORT) and SASL_SSL on 127.0.0.1:9095 (KAFKA_SASL_SSL_PORT), with a
// self-signed certificate made at the first start (its CA file: .cache/kafka/tls/ca.pem). Both take the user
// homestore / homestore-secret with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512.
//
// If KAFKA_BROKERS is set (e.g. "host1:9092,host2:9092"), nothing is started: `start` only
// checks that it answers.
//
// Programmatic use:
//   import { ensureKafka, stopKafka, kafkaBrokers } from './kafka.mjs';
//   const brokers = await ensureKafka({ log: console.log }); // -> '127.0.0.1:9092'

import { spawn, spawnSync } from 'node:child_process';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  readSync,
  realpathSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  fstatSync,
} from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Pinned versions
// ---------------------------------------------------------------------------------------------

/**
 * org.apache.kafka:kafka_2.13 version: newest release on Maven Central when pinned. Verified with
 * kafkajs@2.2.4 (admin createTopics/fetchTopicOffsets/fetchOffsets, idempotent producer acks=-1,
 * consumer groups with manual commitOffsets, rebalance on a second member): all work, kafkajs
 * negotiates request versions that 4.x still supports (KIP-896 removed only older ones).
 */
export const KAFKA_VERSION = '4.4.0';
const SCALA_BINARY = '2.13';
/** Kafka 4.x logs through slf4j 1.7 -> log4j2; the distribution ships these, the pom doesn't. */
const LOG4J_VERSION = '2.26.1';
const DEPENDENCY_PLUGIN_VERSION = '3.8.1';
const MIN_JAVA = 17;

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

const HOST = '127.0.0.1';
const PORT = 9092;
const CONTROLLER_PORT = 9093;
const LOCAL_BROKERS = `${HOST}:${PORT}`;
/** The SASL_PLAINTEXT listener: KAFKA_SASL_PORT or 9094. */
const saslPort = () => portFromEnv('KAFKA_SASL_PORT', 9094);
/** The SASL_SSL listener: KAFKA_SASL_SSL_PORT or 9095. */
const saslSslPort = () => portFromEnv('KAFKA_SASL_SSL_PORT', 9095);

/** The one user of the SASL listeners, for every mechanism: a dev broker's, not a secret. */
export const SASL_USER = { username: 'homestore', password: 'homestore-secret' };
const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE_DIR = join(ROOT, '.cache', 'kafka');
const VERSION_DIR = join(CACHE_DIR, KAFKA_VERSION);
const LIBS_DIR = join(VERSION_DIR, 'libs');
const FETCH_MARKER = join(VERSION_DIR, 'libs.complete');
const CONFIG_DIR = join(VERSION_DIR, 'config');
const SERVER_PROPERTIES = join(CONFIG_DIR, 'server.properties');
const LOG4J_CONFIG = join(CONFIG_DIR, 'log4j2.properties');
const DEFAULT_DATA_DIR = join(CACHE_DIR, 'data');
/** The test runs' own data dir: `npm test` starts its broker on it when none runs, and empties it before and after. */
export const TEST_DATA_DIR = join(CACHE_DIR, 'test-data');
/** Where the broker keeps its logs: KAFKA_DATA_DIR (relative to the repository) or .cache/kafka/data. */
const dataDir = () => (process.env.KAFKA_DATA_DIR ? resolve(ROOT, process.env.KAFKA_DATA_DIR) : DEFAULT_DATA_DIR);
const LOG_DIR = join(CACHE_DIR, 'logs');
const SERVER_LOG = join(LOG_DIR, 'server.log');
const STDOUT_LOG = join(LOG_DIR, 'kafka.out');
const PID_FILE = join(CACHE_DIR, 'kafka.pid');
/** The SASL_SSL listener's self-signed certificate: its key store (the broker's) and the certificate as PEM (the clients' CA). */
const TLS_DIR = join(CACHE_DIR, 'tls');
const TLS_KEYSTORE = join(TLS_DIR, 'broker.p12');
export const TLS_CA_FILE = join(TLS_DIR, 'ca.pem');
/** Guards only a throwaway key of a dev broker; PKCS12 wants one. */
const TLS_KEYSTORE_PASSWORD = 'homestore-dev';
const LOCK_FILE = join(CACHE_DIR, 'start.lock');

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;

const defaultLog = (msg) => console.log(`[kafka] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rel = (p) => (p.startsWith(ROOT + '/') ? p.slice(ROOT.length + 1) : p);

/** A port from the environment (read when used: `npm start` loads .env after importing this file), or the default. */
function portFromEnv(name, fallback) {
  const raw = (process.env[name] || '').trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new KafkaScriptError(`${name}=${raw} is not a TCP port`);
  return port;
}

/** Error with a message meant for humans (the CLI prints it without a stack). */
export class KafkaScriptError extends Error {}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** The brokers string clients should use: $KAFKA_BROKERS or the local broker. */
export function kafkaBrokers() {
  const env = (process.env.KAFKA_BROKERS || '').trim();
  return env || LOCAL_BROKERS;
}

/** The local broker's SASL_PLAINTEXT listener, or $KAFKA_SASL_BROKERS (another Kafka's, e.g. beside KAFKA_BROKERS). */
export function kafkaSaslBrokers() {
  return (process.env.KAFKA_SASL_BROKERS || '').trim() || `${HOST}:${saslPort()}`;
}

/** The local broker's SASL_SSL listener, or $KAFKA_SASL_SSL_BROKERS. */
export function kafkaSaslSslBrokers() {
  return (process.env.KAFKA_SASL_SSL_BROKERS || '').trim() || `${HOST}:${saslSslPort()}`;
}

/**
 * Make sure a Kafka broker is available and return the brokers string.
 * - KAFKA_BROKERS set: only checks it is reachable (throws if not).
 * - a Kafka already answers on 127.0.0.1:9092: reuses it.
 * - otherwise: fetches the jars if needed, formats storage once, starts the broker detached
 *   (it outlives this process) and waits until it serves requests.
 * @param {{ log?: (msg: string) => void }} [opts]
 * @returns {Promise<string>}
 */
export async function ensureKafka({ log = defaultLog } = {}) {
  if ((process.env.KAFKA_BROKERS || '').trim()) {
    return checkExternalBrokers(process.env.KAFKA_BROKERS, log);
  }
  ensureCacheDir();
  const unlock = await acquireLock(log);
  try {
    return await ensureLocalBroker(log);
  } finally {
    unlock();
  }
}

/**
 * Stop the broker started by this script (pid file). Harmless if not running.
 * @param {{ log?: (msg: string) => void }} [opts]
 * @returns {Promise<boolean>} true if a broker was stopped
 */
export async function stopKafka({ log = defaultLog } = {}) {
  const pid = readPid();
  if (!pid) {
    log('not running (no pid file)');
    return false;
  }
  if (!isOurBroker(pid)) {
    log(`not running (stale pid file, pid ${pid} is gone)`);
    safeUnlink(PID_FILE);
    return false;
  }
  log(`stopping broker (pid ${pid})…`);
  const t0 = Date.now();
  try {
    process.kill(pid, 'SIGTERM');
  } catch {}
  let lastNote = Date.now();
  while (isAlive(pid) && Date.now() - t0 < STOP_TIMEOUT_MS) {
    await sleep(250);
    if (Date.now() - lastNote >= 5000) {
      lastNote = Date.now();
      log(`  still shutting down (${Math.round((Date.now() - t0) / 1000)}s)…`);
    }
  }
  if (isAlive(pid)) {
    log(`broker did not exit within ${STOP_TIMEOUT_MS / 1000}s, sending SIGKILL`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
    const t1 = Date.now();
    while (isAlive(pid) && Date.now() - t1 < 5000) await sleep(100);
  }
  safeUnlink(PID_FILE);
  log(`stopped (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  return true;
}

/**
 * Status of the local broker (or of KAFKA_BROKERS).
 * `sasl`: the SASL listeners answer (kafkaSaslBrokers(), kafkaSaslSslBrokers()).
 * @returns {Promise<{ running: boolean, brokers: string, sasl: boolean, pid: number | null, ours: boolean, external: boolean }>}
 */
export async function kafkaStatus() {
  if ((process.env.KAFKA_BROKERS || '').trim()) {
    const list = parseBrokers(process.env.KAFKA_BROKERS);
    const results = await Promise.all(list.map(({ host, port }) => tcpCheck(host, port, 3000)));
    return { running: results.some(Boolean), brokers: kafkaBrokers(), sasl: false, pid: null, ours: false, external: true };
  }
  const pid = readPid();
  const ours = Boolean(pid && isOurBroker(pid));
  const info = await probeKafka(HOST, PORT, 2000);
  const sasl = Boolean(info) && (await tcpCheck(HOST, saslPort(), 1500));
  return { running: Boolean(info), brokers: LOCAL_BROKERS, sasl, pid: ours ? pid : null, ours, external: false };
}

/**
 * Download the broker jars (no-op when already complete).
 * @param {{ log?: (msg: string) => void }} [opts]
 */
export async function fetchKafka({ log = defaultLog } = {}) {
  ensureCacheDir();
  if (isFetched()) {
    log(`Kafka ${KAFKA_VERSION} jars already in ${rel(LIBS_DIR)}`);
    return LIBS_DIR;
  }
  requireMaven();
  mkdirSync(VERSION_DIR, { recursive: true });
  // A previous attempt may have been interrupted: start from a clean libs dir.
  rmSync(LIBS_DIR, { recursive: true, force: true });
  safeUnlink(FETCH_MARKER);
  writeFileSync(join(VERSION_DIR, 'pom.xml'), pomXml());

  log(`fetching Apache Kafka ${KAFKA_VERSION} (kafka_${SCALA_BINARY}) with Maven into ${rel(LIBS_DIR)}…`);
  const t0 = Date.now();
  const args = [
    '-B',
    '-f',
    join(VERSION_DIR, 'pom.xml'),
    `org.apache.maven.plugins:maven-dependency-plugin:${DEPENDENCY_PLUGIN_VERSION}:copy-dependencies`,
    '-DincludeScope=runtime',
    `-DoutputDirectory=${LIBS_DIR}`,
    '-Dmdep.overWriteReleases=true',
  ];
  const { code, tail } = await runMaven(args, log);
  if (code !== 0) {
    throw new KafkaScriptError(
      `mvn failed (exit ${code}) while fetching Kafka ${KAFKA_VERSION}. Last output:\n` +
        tail.map((l) => `    ${l}`).join('\n') +
        `\n  Maven Central must be reachable (or the artifacts present in ~/.m2). Re-run to retry.`,
    );
  }
  const jars = existsSync(LIBS_DIR) ? readdirSync(LIBS_DIR).filter((f) => f.endsWith('.jar')) : [];
  if (!jars.some((j) => j.startsWith(`kafka_${SCALA_BINARY}-${KAFKA_VERSION}`))) {
    throw new KafkaScriptError(`mvn succeeded but kafka_${SCALA_BINARY}-${KAFKA_VERSION}.jar is not in ${rel(LIBS_DIR)}`);
  }
  writeFileSync(FETCH_MARKER, jars.sort().join('\n') + '\n');
  log(`fetched ${jars.length} jars in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return LIBS_DIR;
}

/**
 * Stop the local broker and delete its data dir (keeps the jars).
 * @param {{ log?: (msg: string) => void }} [opts]
 */
export async function resetKafka({ log = defaultLog } = {}) {
  await stopKafka({ log });
  if (existsSync(dataDir())) {
    rmSync(dataDir(), { recursive: true, force: true });
    log(`deleted ${rel(dataDir())}`);
  } else {
    log(`no data dir to delete (${rel(dataDir())})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Start logic
// ---------------------------------------------------------------------------------------------

async function ensureLocalBroker(log) {
  const pid = readPid();
  const ours = Boolean(pid && isOurBroker(pid));
  if (pid && !ours) safeUnlink(PID_FILE);

  const info = await probeKafka(HOST, PORT, 3000);
  if (info) {
    if (ours) {
      log(`broker already running (pid ${pid}), reusing it at ${LOCAL_BROKERS}`);
      await ensureSaslListeners(log);
    } else {
      log(`a Kafka broker already answers on ${LOCAL_BROKERS} (not started by this script), reusing it`);
    }
    return LOCAL_BROKERS;
  }

  if (ours) {
    // Our JVM is alive but not answering yet (still starting, or a concurrent start).
    log(`broker process ${pid} is running but not ready yet, waiting…`);
    await waitUntilReady(pid, null, null, log);
    await ensureSaslListeners(log);
    return LOCAL_BROKERS;
  }

  if (await tcpCheck(HOST, PORT, 1500)) {
    throw new KafkaScriptError(
      `port ${PORT} on ${HOST} is in use by something that is not a Kafka broker.\n` +
        `  Free the port, or point KAFKA_BROKERS at an existing Kafka.`,
    );
  }

  for (const [port, what, env] of [
    [CONTROLLER_PORT, 'the KRaft controller listener', null],
    [saslPort(), 'the SASL_PLAINTEXT listener', 'KAFKA_SASL_PORT'],
    [saslSslPort(), 'the SASL_SSL listener', 'KAFKA_SASL_SSL_PORT'],
  ]) {
    if (await tcpCheck(HOST, port, 1500)) {
      throw new KafkaScriptError(
        `port ${port} on ${HOST} (${what}) is already in use; free it${env ? ` or choose another with ${env}` : ''} and re-run.`,
      );
    }
  }

  const java = requireJava();
  await fetchKafka({ log });
  ensureTlsKeystore(java, log);
  writeConfigs();
  formatStorageOnce(java, log);

  mkdirSync(LOG_DIR, { recursive: true });
  const logOffset = existsSync(SERVER_LOG) ? statSync(SERVER_LOG).size : 0;
  const outFd = openSync(STDOUT_LOG, 'a');
  writeFileSync(outFd, `\n==== ${new Date().toISOString()} starting Kafka ${KAFKA_VERSION} ====\n`);
  const child = spawn(java, [...jvmArgs(), 'kafka.Kafka', SERVER_PROPERTIES], {
    cwd: VERSION_DIR,
    detached: true,
    stdio: ['ignore', outFd, outFd],
    env: { ...process.env },
  });
  closeSync(outFd);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  child.on('error', (err) => {
    exited = { code: null, signal: null, err };
  });
  child.unref();
  if (!child.pid) {
    await sleep(50);
    throw new KafkaScriptError(`could not launch ${java}: ${exited?.err?.message ?? 'unknown error'}`);
  }
  writeFileSync(PID_FILE, `${child.pid}\n`);
  log(`starting Kafka ${KAFKA_VERSION} (pid ${child.pid}), log: ${rel(SERVER_LOG)}`);
  await waitUntilReady(child.pid, () => exited, logOffset, log);
  await ensureSaslListeners(log);
  return LOCAL_BROKERS;
}

/**
 * Gives the SASL listeners' user its SCRAM credentials (PLAIN's password is in the listener's config) and says where
 * the listeners are. The credentials live in the cluster's metadata: they are written on every start, so that a data
 * dir of any age has them (upserting is idempotent; it only salts them anew). A broker started before the script had
 * the listeners is only told about: it gets them when it is stopped and started.
 */
async function ensureSaslListeners(log) {
  if (!(await tcpCheck(HOST, saslPort(), 1500))) {
    log(
      `warning: no SASL listener on ${HOST}:${saslPort()}: this broker was started without one; ` +
        `stop and start it to get one (node scripts/kafka.mjs stop && node scripts/kafka.mjs start)`,
    );
    return;
  }
  await upsertScramCredentials(SASL_USER, log);
  log(
    `SASL listeners: SASL_PLAINTEXT ${HOST}:${saslPort()}, SASL_SSL ${HOST}:${saslSslPort()} (CA ${rel(TLS_CA_FILE)}); ` +
      `user ${SASL_USER.username} / ${SASL_USER.password} with ${SASL_MECHANISMS.join(', ')}`,
  );
}

async function waitUntilReady(pid, getExit, logOffset, log) {
  const t0 = Date.now();
  let lastNote = t0;
  let readySince = 0;
  while (true) {
    const exit = getExit?.();
    if (exit || !isAlive(pid)) {
      safeUnlink(PID_FILE);
      const how = exit
        ? exit.err
          ? `failed to launch: ${exit.err.message}`
          : `exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}`
        : 'exited';
      throw new KafkaScriptError(`Kafka broker ${how} during startup.\n${logTails(logOffset)}`);
    }
    const info = await probeKafka(HOST, PORT, 2000);
    if (info && info.brokers.length > 0) {
      const started = logOffset === null || logHasStarted(logOffset);
      if (!readySince) readySince = Date.now();
      // Port + Metadata answer is what clients need; the log line confirms the full startup.
      if (started || Date.now() - readySince > 10_000) {
        const secs = ((Date.now() - t0) / 1000).toFixed(1);
        log(`broker ready at ${LOCAL_BROKERS} after ${secs}s (cluster ${info.clusterId ?? '?'})`);
        log(`log: ${rel(SERVER_LOG)}   stop with: node scripts/kafka.mjs stop`);
        return;
      }
    }
    if (Date.now() - t0 > START_TIMEOUT_MS) {
      throw new KafkaScriptError(
        `Kafka broker (pid ${pid}) did not become ready within ${START_TIMEOUT_MS / 1000}s; it is left running ` +
          `(stop it with: node scripts/kafka.mjs stop).\n${logTails(logOffset)}`,
      );
    }
    if (Date.now() - lastNote >= 5000) {
      lastNote = Date.now();
      log(`  waiting for broker to accept requests (${Math.round((Date.now() - t0) / 1000)}s)…`);
    }
    await sleep(500);
  }
}

function logHasStarted(offset) {
  return /Kafka ?Server started/.test(readFrom(SERVER_LOG, offset));
}

function tailLines(file, n) {
  if (!existsSync(file)) return [];
  const size = statSync(file).size;
  const len = Math.min(size, 256 * 1024);
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-n);
  } finally {
    closeSync(fd);
  }
}

function readFrom(file, offset) {
  if (!existsSync(file)) return '';
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const from = size < offset ? 0 : offset; // rolled over
    const buf = Buffer.alloc(size - from);
    readSync(fd, buf, 0, buf.length, from);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** What to show when the broker failed: its errors from this run, then the log tail. */
function logTails(offset = null) {
  let out = '';
  if (offset !== null) {
    const lines = readFrom(SERVER_LOG, offset).split('\n');
    const errors = [];
    lines.forEach((l, i) => {
      if (/^\[[^\]]+\] (ERROR|FATAL) /.test(l)) {
        errors.push(l);
        // the exception message follows on the next line
        if (lines[i + 1] && !lines[i + 1].startsWith('[') && !/^\s+at /.test(lines[i + 1])) errors.push(lines[i + 1]);
      } else if (/^Caused by: /.test(l)) errors.push(l);
    });
    const uniq = [...new Set(errors)].slice(0, 12);
    if (uniq.length) out += `--- errors logged by this start ---\n${uniq.map((l) => l.slice(0, 400)).join('\n')}\n`;
  }
  const server = tailLines(SERVER_LOG, 30).map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l));
  out += `--- last ${server.length} lines of ${rel(SERVER_LOG)} ---\n${server.join('\n')}\n`;
  const std = tailLines(STDOUT_LOG, 40);
  const lastRun = std.slice(std.findLastIndex((l) => l.startsWith('==== ')) + 1).filter((l) => l.trim());
  if (lastRun.length) out += `--- JVM stdout/stderr (${rel(STDOUT_LOG)}) ---\n${lastRun.slice(-15).join('\n')}\n`;
  return out.trimEnd();
}

// ---------------------------------------------------------------------------------------------
// Config, storage format, JVM
// ---------------------------------------------------------------------------------------------

/** Heap and GC of the broker's JVM (Kafka's own defaults, smaller heap); KAFKA_JVM_OPTS replaces them. */
const DEFAULT_JVM_OPTS = '-Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20';

function jvmArgs() {
  return [
    ...(process.env.KAFKA_JVM_OPTS || DEFAULT_JVM_OPTS).split(/\s+/).filter(Boolean),
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${LOG_DIR}`,
    `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
    '-cp',
    join(LIBS_DIR, '*'), // expanded by the java launcher, not a shell
  ];
}

function writeConfigs() {
  mkdirSync(CONFIG_DIR, { recursive: true });
  mkdirSync(LOG_DIR, { recursive: true });
  const saslListeners = `SASL_PLAINTEXT://${HOST}:${saslPort()},SASL_SSL://${HOST}:${saslSslPort()}`;
  const props = {
    // KRaft combined mode: one JVM is broker and controller.
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.bootstrap.servers': `${HOST}:${CONTROLLER_PORT}`,
    'listeners': `PLAINTEXT://${HOST}:${PORT},CONTROLLER://${HOST}:${CONTROLLER_PORT},${saslListeners}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${PORT},${saslListeners}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
    // The SASL listeners (each listener is named after its protocol). PLAIN checks the passwords of its JAAS
    // config; SCRAM those of the cluster's metadata (ensureSaslListeners writes them).
    'sasl.enabled.mechanisms': SASL_MECHANISMS.join(','),
    ...Object.fromEntries(
      ['sasl_plaintext', 'sasl_ssl'].flatMap((listener) => [
        [
          `listener.name.${listener}.plain.sasl.jaas.config`,
          `org.apache.kafka.common.security.plain.PlainLoginModule required user_${SASL_USER.username}="${SASL_USER.password}";`,
        ],
        [`listener.name.${listener}.scram-sha-256.sasl.jaas.config`, 'org.apache.kafka.common.security.scram.ScramLoginModule required;'],
        [`listener.name.${listener}.scram-sha-512.sasl.jaas.config`, 'org.apache.kafka.common.security.scram.ScramLoginModule required;'],
      ]),
    ),
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': TLS_KEYSTORE,
    'ssl.keystore.password': TLS_KEYSTORE_PASSWORD,
    'ssl.key.password': TLS_KEYSTORE_PASSWORD,
    // Single node: every internal replication factor is 1.
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 10,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // Topics are created explicitly by the application.
    'auto.create.topics.enable': false,
    'num.partitions': 6,
    'group.initial.rebalance.delay.ms': 0,
    // Storage: small segments and short retention for a dev box.
    'log.dirs': dataDir(),
    'log.segment.bytes': 16 * 1024 * 1024,
    'log.retention.hours': 24,
    'log.retention.bytes': 256 * 1024 * 1024,
    'log.retention.check.interval.ms': 60_000,
    'num.recovery.threads.per.data.dir': 1,
    'num.network.threads': 2,
    'num.io.threads': 4,
  };
  const text =
    `# Generated by scripts/kafka.mjs (Kafka ${KAFKA_VERSION}); rewritten on every start.\n` +
    Object.entries(props)
      .map(([k, v]) => `${k}=${escapeProp(String(v))}`)
      .join('\n') +
    '\n';
  writeFileSync(SERVER_PROPERTIES, text);

  const log4j = [
    '# Generated by scripts/kafka.mjs: all broker logs go to server.log, nothing to the terminal.',
    'status = warn',
    'shutdownHook = disable', // keep logging through Kafka's own shutdown hook
    'name = kafka-dev',
    'appender.file.type = RollingFile',
    'appender.file.name = file',
    `appender.file.fileName = ${escapeProp(SERVER_LOG)}`,
    `appender.file.filePattern = ${escapeProp(SERVER_LOG)}.%i`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'appender.file.policies.type = Policies',
    'appender.file.policies.size.type = SizeBasedTriggeringPolicy',
    'appender.file.policies.size.size = 20MB',
    'appender.file.strategy.type = DefaultRolloverStrategy',
    'appender.file.strategy.max = 3',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.file.ref = file',
    'logger.request.name = kafka.request.logger',
    'logger.request.level = WARN',
    'logger.zk.name = org.apache.zookeeper',
    'logger.zk.level = WARN',
    '',
  ].join('\n');
  writeFileSync(LOG4J_CONFIG, log4j);
}

function escapeProp(v) {
  return v.replace(/\\/g, '\\\\');
}

/** Format the KRaft storage once; a formatted dir has meta.properties and is never re-formatted. */
function formatStorageOnce(java, log) {
  if (existsSync(join(dataDir(), 'meta.properties'))) return;
  if (existsSync(dataDir()) && readdirSync(dataDir()).length > 0) {
    // Leftovers of an interrupted format: nothing worth keeping.
    rmSync(dataDir(), { recursive: true, force: true });
  }
  mkdirSync(dataDir(), { recursive: true });
  const clusterId = randomClusterId();
  log(`formatting KRaft storage in ${rel(dataDir())} (cluster id ${clusterId})…`);
  const r = spawnSync(
    java,
    [...jvmArgs(), 'kafka.tools.StorageTool', 'format', '--standalone', '-t', clusterId, '-c', SERVER_PROPERTIES],
    { cwd: VERSION_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.status !== 0 || !existsSync(join(dataDir(), 'meta.properties'))) {
    rmSync(dataDir(), { recursive: true, force: true });
    throw new KafkaScriptError(`formatting the KRaft storage failed (exit ${r.status}):\n${out}`);
  }
  // The tool also dumps the full bootstrap record list; keep only the human-readable lines.
  for (const line of out.split('\n')) if (line && !line.startsWith('Bootstrap metadata:')) log(`  ${line}`);
}

/**
 * The SASL_SSL listener's key and self-signed certificate, made once with the JDK's keytool (no openssl needed), valid
 * for 127.0.0.1 and localhost; its certificate is also written as PEM, the CA file clients trust it with.
 */
function ensureTlsKeystore(java, log) {
  if (existsSync(TLS_KEYSTORE) && existsSync(TLS_CA_FILE)) return;
  rmSync(TLS_DIR, { recursive: true, force: true });
  mkdirSync(TLS_DIR, { recursive: true });
  // keytool sits beside java in every JDK and JRE; with java from PATH, so is keytool.
  const keytool = java === 'java' ? 'keytool' : join(dirname(java), process.platform === 'win32' ? 'keytool.exe' : 'keytool');
  const store = ['-keystore', TLS_KEYSTORE, '-storetype', 'PKCS12', '-storepass', TLS_KEYSTORE_PASSWORD];
  const steps = [
    // bc:c (a CA certificate): clients trust it as the root of its own chain.
    ['-genkeypair', '-alias', 'broker', '-keyalg', 'RSA', '-keysize', '2048', '-validity', '3650', '-dname', 'CN=localhost',
      '-ext', 'SAN=ip:127.0.0.1,dns:localhost', '-ext', 'bc:c', '-keypass', TLS_KEYSTORE_PASSWORD, ...store],
    ['-exportcert', '-rfc', '-alias', 'broker', '-file', TLS_CA_FILE, ...store],
  ];
  for (const args of steps) {
    const r = spawnSync(keytool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) {
      rmSync(TLS_DIR, { recursive: true, force: true });
      const why = r.error ? r.error.message : `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
      throw new KafkaScriptError(`making the SASL_SSL listener's certificate with ${keytool} failed: ${why}`);
    }
  }
  log(`made a self-signed certificate for the SASL_SSL listener: ${rel(TLS_KEYSTORE)}, its CA file ${rel(TLS_CA_FILE)}`);
}

/** SCRAM mechanisms as AlterUserScramCredentials numbers them, with the hash and key length of each. */
const SCRAM = [
  { name: 'SCRAM-SHA-256', type: 1, digest: 'sha256', bytes: 32 },
  { name: 'SCRAM-SHA-512', type: 2, digest: 'sha512', bytes: 64 },
];
/** The fewest iterations Kafka takes for either mechanism. */
const SCRAM_ITERATIONS = 4096;

/**
 * Creates or replaces the user's SCRAM-SHA-256 and SCRAM-SHA-512 credentials through the PLAINTEXT listener, with the
 * AlterUserScramCredentials request (what kafka-configs.sh --add-config 'SCRAM-SHA-256=[...]' sends; that tool is
 * not among the broker's jars). The client salts the password: SaltedPassword := Hi(password, salt, i), RFC 5802.
 */
async function upsertScramCredentials({ username, password }, log) {
  // One request per mechanism: the broker refuses a request that alters one user twice.
  for (const { name, type, digest, bytes } of SCRAM) {
    const t0 = Date.now();
    for (let attempt = 1; ; attempt++) {
      const result = await kafkaRequests(HOST, PORT, 5000, async (send) => {
        const salt = randomBytes(32);
        const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, SCRAM_ITERATIONS, bytes, digest);
        const iterations = Buffer.alloc(4);
        iterations.writeInt32BE(SCRAM_ITERATIONS, 0);
        const upsert = Buffer.concat([compact(Buffer.from(username, 'utf8')), Buffer.from([type]), iterations, compact(salt), compact(salted), TAGS]);
        // A flexible request: its header ends in tagged fields, which `send` leaves to the body. No deletions, one upsertion.
        const [answer] = parseAlterScramResponse(await send(51, 0, Buffer.concat([TAGS, uvarint(0 + 1), uvarint(1 + 1), upsert, TAGS])));
        return answer;
      });
      if (result?.errorCode === 0) break;
      const why = result ? `error ${result.errorCode}${result.message ? ` (${result.message})` : ''}` : 'no answer';
      if (attempt === 10 || Date.now() - t0 > 20_000) {
        throw new KafkaScriptError(`could not give the SASL user ${username} its ${name} credentials: ${why}`);
      }
      log(`  ${name} credentials not written yet (${why}), trying again…`);
      await sleep(1000);
    }
  }
}

/** An empty set of tagged fields (flexible versions end every structure with one). */
const TAGS = Buffer.from([0]);

function uvarint(n) {
  const out = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

/** COMPACT_STRING and COMPACT_BYTES: length + 1 as an unsigned varint, then the bytes. */
function compact(buf) {
  return Buffer.concat([uvarint(buf.length + 1), buf]);
}

/** AlterUserScramCredentials v0 response (after the correlation id): one result per user and mechanism. */
function parseAlterScramResponse(buf) {
  let o = 0;
  const readUvarint = () => {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      const b = buf[o++];
      n |= (b & 0x7f) << shift;
      if (!(b & 0x80)) return n;
    }
  };
  const readCompactString = () => {
    const len = readUvarint() - 1;
    if (len < 0) return null;
    const s = buf.toString('utf8', o, o + len);
    o += len;
    return s;
  };
  const skipTags = () => {
    for (let n = readUvarint(); n > 0; n--) {
      readUvarint();
      o += readUvarint();
    }
  };
  skipTags(); // the response header's
  o += 4; // throttle_time_ms
  const results = [];
  for (let n = readUvarint() - 1; n > 0; n--) {
    const user = readCompactString();
    const errorCode = buf.readInt16BE(o);
    o += 2;
    const message = readCompactString();
    skipTags();
    results.push({ user, errorCode, message });
  }
  return results;
}

/** Kafka Uuid string: 16 random bytes, base64url without padding (not starting with '-'). */
function randomClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function pomXml() {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/kafka.mjs: only used to fetch the Kafka broker jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.devtools</groupId>
  <artifactId>kafka-broker-fetch</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_${SCALA_BINARY}</artifactId>
      <version>${KAFKA_VERSION}</version>
    </dependency>
    <!-- The broker logs through slf4j 1.7; the Kafka distribution binds it to log4j2. -->
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>${LOG4J_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>${LOG4J_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;
}

// ---------------------------------------------------------------------------------------------
// Tool checks
// ---------------------------------------------------------------------------------------------

function javaCommand() {
  const home = process.env.JAVA_HOME;
  if (home) {
    const p = join(home, 'bin', process.platform === 'win32' ? 'java.exe' : 'java');
    if (existsSync(p)) return p;
  }
  return 'java';
}

function requireJava() {
  const java = javaCommand();
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const hint =
    `  Install a JDK/JRE ${MIN_JAVA}+ (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless; ` +
    `macOS: brew install openjdk@17) and put it on PATH or set JAVA_HOME,\n` +
    `  or set KAFKA_BROKERS to use an existing Kafka instead.`;
  if (r.error) {
    throw new KafkaScriptError(`Java ${MIN_JAVA}+ is required to run the Kafka broker, but \`${java}\` was not found.\n${hint}`);
  }
  if (r.status !== 0) {
    throw new KafkaScriptError(
      `\`${java} -version\` failed (exit ${r.status}):\n${`${r.stderr}${r.stdout}`.trim().replace(/^/gm, '    ')}\n${hint}`,
    );
  }
  const text = `${r.stderr}${r.stdout}`;
  const m = text.match(/version "(\d+)(?:\.(\d+))?/);
  let major = m ? Number(m[1]) : NaN;
  if (major === 1 && m[2]) major = Number(m[2]); // 1.8 -> 8
  if (!(major >= MIN_JAVA)) {
    throw new KafkaScriptError(
      `Kafka ${KAFKA_VERSION} needs Java ${MIN_JAVA}+, but \`${java}\` is ${m ? `Java ${major}` : 'of unknown version'}:\n` +
        `    ${text.split('\n')[0]}\n${hint}`,
    );
  }
  return java;
}

function requireMaven() {
  const r = spawnSync('mvn', ['-v'], { encoding: 'utf8', shell: process.platform === 'win32' });
  if (r.error || r.status !== 0) {
    throw new KafkaScriptError(
      `Maven (\`mvn\`) is required to download the Kafka ${KAFKA_VERSION} broker jars from Maven Central, but it was not found.\n` +
        `  Install it (Debian/Ubuntu: apt-get install -y maven; macOS: brew install maven) and re-run,\n` +
        `  or set KAFKA_BROKERS to use an existing Kafka instead.`,
    );
  }
}

/** Run mvn, condensing its "Downloading/Downloaded" lines into periodic progress lines. */
function runMaven(args, log) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('mvn', args, {
      cwd: VERSION_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
      env: { ...process.env, MAVEN_OPTS: process.env.MAVEN_OPTS ?? '' },
    });
    const tail = [];
    let files = 0;
    let bytes = 0;
    let lastJar = '';
    let lastReport = Date.now();
    let reportedFiles = 0;
    const t0 = Date.now();
    const report = (force = false) => {
      if (files === reportedFiles) return;
      if (!force && Date.now() - lastReport < 2000) return;
      lastReport = Date.now();
      reportedFiles = files;
      const secs = Math.round((Date.now() - t0) / 1000);
      log(`  downloaded ${files} files, ${(bytes / 1048576).toFixed(1)} MB (${secs}s)${lastJar ? `, latest: ${lastJar}` : ''}`);
    };
    const timer = setInterval(() => report(), 1000);
    const onLine = (line) => {
      line = line.replace(/\x1b\[[0-9;]*m/g, '').trimEnd();
      if (!line) return;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      const m = line.match(/Downloaded from [^:]+: (\S+) \(([\d.,]+) (B|kB|KB|MB|GB)/);
      if (m) {
        files++;
        const n = Number(m[2].replace(/,/g, ''));
        bytes += n * ({ B: 1, kB: 1000, KB: 1024, MB: 1e6, GB: 1e9 }[m[3]] ?? 1);
        if (m[1].endsWith('.jar')) lastJar = m[1].split('/').pop();
        return;
      }
      if (/^\[(ERROR|WARNING)\]/.test(line) && !/Downloading from/.test(line)) log(`  mvn: ${line}`);
    };
    const split = (stream) => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
      stream.on('end', () => buf && onLine(buf));
    };
    split(child.stdout);
    split(child.stderr);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(new KafkaScriptError(`could not run mvn: ${err.message}`));
    });
    child.on('close', (code) => {
      clearInterval(timer);
      report(true);
      resolvePromise({ code, tail });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Processes, pid file, lock
// ---------------------------------------------------------------------------------------------

function isFetched() {
  if (!existsSync(FETCH_MARKER) || !existsSync(LIBS_DIR)) return false;
  const expected = readFileSync(FETCH_MARKER, 'utf8').split('\n').filter(Boolean);
  const present = new Set(readdirSync(LIBS_DIR));
  return expected.length > 0 && expected.every((j) => present.has(j));
}

function ensureCacheDir() {
  mkdirSync(CACHE_DIR, { recursive: true });
  // Keep the cache out of git even if the repo's .gitignore does not list it.
  const gi = join(ROOT, '.cache', '.gitignore');
  if (!existsSync(gi)) writeFileSync(gi, '*\n');
}

function readPid() {
  try {
    const pid = Number(readFileSync(PID_FILE, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  // A zombie (exited, not yet reaped) still "exists"; treat it as dead.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/^\d+ \(.*\) Z/.test(stat)) return false;
  } catch {}
  return true;
}

/** Alive, and (where /proc exists) really a Kafka JVM — guards against recycled pids. */
function isOurBroker(pid) {
  if (!isAlive(pid)) return false;
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes('kafka.Kafka');
  } catch {
    return true; // no /proc (macOS): trust the pid file
  }
}

function safeUnlink(p) {
  try {
    unlinkSync(p);
  } catch {}
}

/** Serialise concurrent starts (e.g. `npm start` and `npm test` at once). */
async function acquireLock(log) {
  const t0 = Date.now();
  let noted = false;
  for (;;) {
    try {
      const fd = openSync(LOCK_FILE, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      const release = () => {
        try {
          if (readFileSync(LOCK_FILE, 'utf8').trim() === String(process.pid)) unlinkSync(LOCK_FILE);
        } catch {}
      };
      return release;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(LOCK_FILE, 'utf8').trim());
    } catch {}
    if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder) || Date.now() - t0 > 15 * 60_000) {
      safeUnlink(LOCK_FILE); // stale
      continue;
    }
    if (!noted) {
      log(`another process (pid ${holder}) is starting Kafka, waiting for it…`);
      noted = true;
    }
    await sleep(500);
  }
}

// ---------------------------------------------------------------------------------------------
// Network checks: TCP connect, and a minimal Kafka protocol probe (ApiVersions v0, Metadata v4)
// ---------------------------------------------------------------------------------------------

function parseBrokers(str) {
  return str
    .split(',')
    .map((s) => s.trim().replace(/^[a-z]+:\/\//i, ''))
    .filter(Boolean)
    .map((s) => {
      const m = s.match(/^\[?([^\]]+?)\]?:(\d+)$/);
      if (!m) throw new KafkaScriptError(`KAFKA_BROKERS entry "${s}" is not host:port`);
      return { host: m[1], port: Number(m[2]), str: s };
    });
}

async function checkExternalBrokers(str, log) {
  const list = parseBrokers(str);
  if (list.length === 0) throw new KafkaScriptError('KAFKA_BROKERS is set but empty');
  const results = await Promise.all(list.map(({ host, port }) => tcpCheck(host, port, 5000)));
  const down = list.filter((_, i) => !results[i]).map((b) => b.str);
  if (down.length === list.length) {
    throw new KafkaScriptError(
      `KAFKA_BROKERS=${str} is set, but no broker answers (TCP connect failed: ${down.join(', ')}).\n` +
        `  Start that Kafka, fix KAFKA_BROKERS, or unset it to use the local broker from scripts/kafka.mjs.`,
    );
  }
  for (const d of down) log(`warning: ${d} from KAFKA_BROKERS does not answer`);
  const brokers = list.map((b) => b.str).join(',');
  log(`using external Kafka from KAFKA_BROKERS: ${brokers}`);
  return brokers;
}

function tcpCheck(host, port, timeoutMs) {
  return new Promise((res) => {
    const sock = net.connect({ host, port });
    const done = (ok) => {
      sock.destroy();
      res(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Send requests over one connection; resolves to response bodies (after correlation id) or null. */
function kafkaRequests(host, port, timeoutMs, build) {
  return new Promise((res) => {
    const sock = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    let corr = 0;
    let pending = null;
    let finished = false;
    const finish = (v) => {
      if (finished) return;
      finished = true;
      sock.destroy();
      res(v);
    };
    sock.setTimeout(timeoutMs, () => finish(null));
    sock.once('error', () => finish(null));
    sock.once('close', () => finish(null));
    const send = (apiKey, version, body) =>
      new Promise((resolveResp) => {
        corr++;
        const clientId = Buffer.from('kafka.mjs-probe');
        const header = Buffer.alloc(10);
        header.writeInt16BE(apiKey, 0);
        header.writeInt16BE(version, 2);
        header.writeInt32BE(corr, 4);
        header.writeInt16BE(clientId.length, 8);
        const payload = Buffer.concat([header, clientId, body]);
        const size = Buffer.alloc(4);
        size.writeInt32BE(payload.length, 0);
        pending = { corr, resolveResp };
        sock.write(Buffer.concat([size, payload]));
      });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4) return;
      const len = buf.readInt32BE(0);
      if (len < 4 || len > 16 * 1024 * 1024) return finish(null);
      if (buf.length < 4 + len) return;
      const frame = buf.subarray(4, 4 + len);
      buf = buf.subarray(4 + len);
      const p = pending;
      pending = null;
      if (!p || frame.readInt32BE(0) !== p.corr) return finish(null);
      p.resolveResp(frame.subarray(4));
    });
    sock.once('connect', async () => {
      try {
        finish(await build(send));
      } catch {
        finish(null);
      }
    });
  });
}

/**
 * Is a Kafka broker answering on host:port? Returns { apiVersions, brokers, clusterId } or null.
 */
export async function probeKafka(host = HOST, port = PORT, timeoutMs = 3000) {
  return kafkaRequests(host, port, timeoutMs, async (send) => {
    // ApiVersions v0: the broker answers with its version ranges even for versions it dislikes.
    const av = await send(18, 0, Buffer.alloc(0));
    const errorCode = av.readInt16BE(0);
    const n = av.readInt32BE(2);
    const apiVersions = new Map();
    for (let i = 0, o = 6; i < n; i++, o += 6) {
      apiVersions.set(av.readInt16BE(o), [av.readInt16BE(o + 2), av.readInt16BE(o + 4)]);
    }
    if (errorCode !== 0 && errorCode !== 35) return null;
    const meta = apiVersions.get(3);
    if (!meta || meta[0] > 4 || meta[1] < 4) return { apiVersions, brokers: [{}], clusterId: null };
    // Metadata v4: topics = null (int32 -1), allow_auto_topic_creation = false.
    const body = Buffer.alloc(5);
    body.writeInt32BE(-1, 0);
    body.writeInt8(0, 4);
    const md = await send(3, 4, body);
    let o = 4; // throttle_time_ms
    const readStr = () => {
      const l = md.readInt16BE(o);
      o += 2;
      if (l < 0) return null;
      const s = md.toString('utf8', o, o + l);
      o += l;
      return s;
    };
    const nb = md.readInt32BE(o);
    o += 4;
    const brokers = [];
    for (let i = 0; i < nb; i++) {
      const nodeId = md.readInt32BE(o);
      o += 4;
      const h = readStr();
      const p = md.readInt32BE(o);
      o += 4;
      readStr(); // rack
      brokers.push({ nodeId, host: h, port: p });
    }
    const clusterId = readStr();
    return { apiVersions, brokers, clusterId };
  });
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

const HELP = `Usage: node scripts/kafka.mjs <command>

Local single-node Apache Kafka ${KAFKA_VERSION} (KRaft) for development and CI.

Commands:
  start    Ensure a broker is available: reuse one on ${LOCAL_BROKERS}, or fetch the jars
           (first time only), format the storage (first time only) and start it detached.
           Waits until it accepts requests (up to ${START_TIMEOUT_MS / 1000}s).
  stop     Stop the broker started by this script.
  status   Show whether the broker is running, and the brokers string.
  fetch    Only download the broker jars (Maven, into ${rel(LIBS_DIR)}).
  reset    Stop the broker and delete its data (${rel(dataDir())}); keeps the jars.
  help     Show this help (also -h, --help).

Listeners: PLAINTEXT ${LOCAL_BROKERS}; SASL_PLAINTEXT ${HOST}:${saslPort()} and SASL_SSL ${HOST}:${saslSslPort()}
(self-signed, CA ${rel(TLS_CA_FILE)}), user ${SASL_USER.username} / ${SASL_USER.password} with ${SASL_MECHANISMS.join(', ')}.

Environment:
  KAFKA_BROKERS        Use this existing Kafka ("host:port[,host:port]") instead; start only checks it.
  KAFKA_DATA_DIR       The broker's data dir (default ${rel(DEFAULT_DATA_DIR)}).
  KAFKA_SASL_PORT      Port of the SASL_PLAINTEXT listener (default 9094).
  KAFKA_SASL_SSL_PORT  Port of the SASL_SSL listener (default 9095).
  JAVA_HOME            Java ${MIN_JAVA}+ to run the broker (else \`java\` on PATH). \`mvn\` is needed for fetch.

Files: jars ${rel(LIBS_DIR)}, config ${rel(CONFIG_DIR)}, data ${rel(dataDir())},
       log ${rel(SERVER_LOG)}, pid ${rel(PID_FILE)}, certificate ${rel(TLS_DIR)}.

Programmatic: import { ensureKafka, stopKafka, kafkaBrokers } from './scripts/kafka.mjs'
`;

async function main(argv) {
  const cmd = argv[0] ?? 'help';
  switch (cmd) {
    case 'start': {
      const brokers = await ensureKafka();
      console.log(`KAFKA_BROKERS=${brokers}`);
      if ((await kafkaStatus()).sasl) {
        console.log(`KAFKA_SASL_BROKERS=${kafkaSaslBrokers()}`);
        console.log(`KAFKA_SASL_SSL_BROKERS=${kafkaSaslSslBrokers()}`);
      }
      return 0;
    }
    case 'stop':
      await stopKafka();
      return 0;
    case 'status': {
      const s = await kafkaStatus();
      if (s.external) {
        console.log(`external Kafka (KAFKA_BROKERS): ${s.running ? 'reachable' : 'NOT reachable'}`);
      } else if (s.running) {
        console.log(
          s.ours
            ? `running (pid ${s.pid}), log: ${rel(SERVER_LOG)}`
            : `running (a Kafka on ${LOCAL_BROKERS} not started by this script)`,
        );
      } else {
        console.log(s.ours ? `starting or unresponsive (pid ${s.pid}), log: ${rel(SERVER_LOG)}` : 'not running');
      }
      console.log(`brokers: ${s.brokers}`);
      if (s.sasl) {
        console.log(`SASL_PLAINTEXT: ${kafkaSaslBrokers()}, SASL_SSL: ${kafkaSaslSslBrokers()} (CA ${rel(TLS_CA_FILE)}), user ${SASL_USER.username} / ${SASL_USER.password}`);
      }
      return 0;
    }
    case 'fetch':
      await fetchKafka();
      return 0;
    case 'reset':
      await resetKafka();
      return 0;
    case 'help':
    case '-h':
    case '--help':
      process.stdout.write(HELP);
      return 0;
    default:
      process.stderr.write(`Unknown command: ${cmd}\n\n${HELP}`);
      return 2;
  }
}

const invokedDirectly = (() => {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(fileURLToPath(import.meta.url)) === realpathSync(resolve(process.argv[1]));
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      if (err instanceof KafkaScriptError) console.error(`[kafka] error: ${err.message}`);
      else console.error(err);
      process.exit(1);
    },
  );
}
