import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, Min, validateSync } from 'class-validator';

/** A configuration that cannot start the service; main() prints it and exits non-zero. */
export class ConfigError extends Error {
  constructor(service: string, readonly problems: string[]) {
    super(`${service}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`);
    this.name = 'ConfigError';
  }
}

/**
 * Settings every service reads; an app's config class adds its own. Every field carries its type explicitly:
 * the conversion from the environment reads it from decorator metadata, which an inferred type does not produce.
 */
export class ServiceConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsInt() @Min(1) @Max(65535)
  PORT: number;

  /** The PostgreSQL server; each service uses its own database on it. */
  @Matches(/^postgres(ql)?:\/\/[^/]+(\/[^/?]*)?(\?.*)?$/, { message: 'DATABASE_URL must look like postgres://user[:password]@host:port' })
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432';

  /** Defaults to homestore_<service>. */
  @IsOptional() @Matches(/^[a-z_][a-z0-9_]*$/, { message: 'DATABASE_NAME must be a lower-case SQL identifier' })
  DATABASE_NAME?: string;

  /**
   * How long a request waits for one of the pool's database connections. Past it the request fails at once with
   * 503 DATABASE.UNAVAILABLE (and Retry-After) and nothing of it is done: an overloaded service sheds load at the
   * edge instead of queueing requests without end (keep it under the gateway's UPSTREAM_TIMEOUT_MS).
   */
  @IsInt() @Min(100) @Max(60_000)
  DATABASE_ACQUIRE_TIMEOUT_MS: number = 2000;

  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port...]' })
  KAFKA_BROKERS: string = '127.0.0.1:9092';

  /** The least severe level written, of error, warn, log, debug, verbose (log is what JSON lines call info). */
  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** json: one JSON object per line, for machines; pretty: one readable line each, for a person (npm start's default on a terminal). */
  @IsIn(['json', 'pretty'])
  LOG_FORMAT: 'json' | 'pretty' = 'json';

  /** Attempts (the first included) at a failing event handler before its message is dead-lettered. */
  @IsInt() @Min(1) @Max(100)
  CONSUMER_MAX_ATTEMPTS: number = 5;

  @IsInt() @Min(1)
  CONSUMER_RETRY_INITIAL_MS: number = 200;

  @IsInt() @Min(1)
  CONSUMER_RETRY_MAX_MS: number = 10_000;

  /** Partitions of one fetch a consumer group handles at once; unset: every partition of its topics (see EventConsumerOptions). */
  @IsOptional() @IsInt() @Min(1) @Max(256)
  CONSUMER_CONCURRENCY?: number;

  /**
   * A consumer's fetch waits on the broker until this many bytes are there for it, or CONSUMER_FETCH_MAX_WAIT_MS
   * passed (see EventConsumerOptions): 1 hands each message on at once; more bytes make bigger runs but an event can
   * then wait up to the maximum per hop.
   */
  @IsInt() @Min(1)
  CONSUMER_FETCH_MIN_BYTES: number = 1;

  @IsInt() @Min(1) @Max(10_000)
  CONSUMER_FETCH_MAX_WAIT_MS: number = 500;

  /** How long a group that just caught up waits before it fetches again, to gather a run (see EventConsumerOptions). */
  @IsInt() @Min(0) @Max(1000)
  CONSUMER_FETCH_LINGER_MS: number = 20;

  /** How often a consumer group commits the offsets of what it handled (see EventConsumerOptions.commitIntervalMs). */
  @IsInt() @Min(1) @Max(60_000)
  CONSUMER_COMMIT_INTERVAL_MS: number = 1000;

  /**
   * How long the broker keeps a silent member in its group (6000, the broker's smallest by default). A member that
   * dies without leaving (SIGKILL, a lost node) holds its partitions this long: its restart, or the survivors, take
   * them over within it. The cost: a member that cannot heartbeat for this long (a stop-the-world pause, a run whose
   * transaction takes longer) is taken out and rejoins, and its uncommitted events come again (the inbox skips them).
   * Members heartbeat every second, between fetches and while a run waits.
   */
  @IsInt() @Min(6000) @Max(300_000)
  CONSUMER_SESSION_TIMEOUT_MS: number = 6000;

  /**
   * How often every consumer group's lag is read from the broker (committed offsets against the partitions' ends)
   * into homestore_consumer_lag: a stalled or stopped group shows its lag growing within this time.
   */
  @IsInt() @Min(100) @Max(300_000)
  CONSUMER_LAG_SAMPLE_MS: number = 5000;

  /** How long a rebalance waits for every member to rejoin; members leave their batch at once when one starts. */
  @IsInt() @Min(1000) @Max(300_000)
  CONSUMER_REBALANCE_TIMEOUT_MS: number = 10_000;

  /**
   * Put before every consumer group name (and so in its dead-letter topics' names). Empty in a deployment; a test
   * or benchmark sets it so its apps never share a group with a running shop.
   */
  @IsOptional() @Matches(/^[A-Za-z0-9._-]*$/, { message: 'CONSUMER_GROUP_PREFIX may hold only letters, digits, ".", "_" and "-"' })
  CONSUMER_GROUP_PREFIX?: string;

  @IsString()
  SERVICE_VERSION: string = process.env.npm_package_version ?? '0.0.0';

  /** The user service's public token-signing keys, which libs/auth verifies access tokens with. */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'AUTH_JWKS_URL must be an http(s) URL' })
  AUTH_JWKS_URL: string = 'http://127.0.0.1:3001/.well-known/jwks.json';

  /** The `iss` the user service writes into access tokens and every service requires. */
  @IsString() @IsNotEmpty()
  AUTH_ISSUER: string = 'homestore-user';

  /** The `aud` the user service writes into access tokens and every service requires. */
  @IsString() @IsNotEmpty()
  AUTH_AUDIENCE: string = 'homestore';
}

/** Variables whose value must never reach a log, even when it is wrong. */
const SECRET = /PASSWORD|SECRET|PRIVATE_KEY/;

/** Reads and validates a config class from the environment, or throws a ConfigError naming every bad variable. */
export function loadConfig<T extends object>(service: string, cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(cls, defined, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length) {
    throw new ConfigError(
      service,
      errors.map((e) => {
        const value = defined[e.property];
        const given = value === undefined ? 'not set' : SECRET.test(e.property) ? 'value hidden' : `got "${value}"`;
        return `${e.property} (${given}): ${Object.values(e.constraints ?? {}).join('; ')}`;
      }),
    );
  }
  return config;
}
