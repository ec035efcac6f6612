import 'reflect-metadata';
import { accessSync, constants } from 'node:fs';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateBy, ValidateIf, validateSync } from 'class-validator';

/** A configuration that cannot start the service; main() prints it and exits non-zero. */
export class ConfigError extends Error {
  constructor(service: string, readonly problems: string[]) {
    super(`${service}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`);
    this.name = 'ConfigError';
  }
}

/** The SASL mechanisms every Kafka driver speaks. */
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** The PEM files of KAFKA_SSL: setting one while KAFKA_SSL is false is a mistake, not a wish for plain TCP. */
const SSL_FILES = ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const;

/** "true" and "false" as booleans; anything else is left for @IsBoolean to refuse (implicit conversion makes "false" true). */
function booleanFromEnv({ obj, key }: { obj: Record<string, unknown>; key: string }): unknown {
  const raw = obj[key];
  return raw === 'true' ? true : raw === 'false' ? false : raw;
}

/** A path to a file this process can read: a wrong path is a start-up error, not a failed connection later. */
function IsReadableFile(options?: { message: string }): PropertyDecorator {
  return ValidateBy({
    name: 'isReadableFile',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string' || !value) return false;
        try {
          accessSync(value, constants.R_OK);
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: (args) => (args?.value === undefined && options ? options.message : `${args?.property} must name a file this process can read`),
    },
  });
}

/**
 * Where the Kafka brokers are and how a client reaches them: the part of ServiceConfig that a tool or a test which
 * only talks to Kafka loads on its own (`loadConfig(name, KafkaConfig)`).
 */
export class KafkaConfig {
  /** The client library behind the driver port (libs/messaging/src/driver). */
  @IsIn(['kafkajs', 'platformatic'])
  KAFKA_CLIENT: 'kafkajs' | 'platformatic' = 'platformatic';

  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port...]' })
  KAFKA_BROKERS: string = '127.0.0.1:9092';

  /** TLS to the brokers (a managed Kafka's SASL_SSL or SSL listener). Off: plain TCP, as the local broker's 9092. */
  @Transform(booleanFromEnv)
  @IsBoolean({ message: 'KAFKA_SSL must be true or false' })
  @ValidateBy({
    name: 'sslForFiles',
    validator: {
      validate: (ssl: unknown, args) => ssl !== false || SSL_FILES.every((f) => (args?.object as KafkaConfig)[f] === undefined),
      defaultMessage: () => `KAFKA_SSL must be true when ${SSL_FILES.join(', ')} is set`,
    },
  })
  KAFKA_SSL: boolean = false;

  /** The CA that signed the brokers' certificates (PEM), when it is not one Node trusts already. */
  @ValidateIf((c: KafkaConfig) => c.KAFKA_SSL_CA_FILE !== undefined)
  @IsReadableFile()
  KAFKA_SSL_CA_FILE?: string;

  /** This client's certificate (PEM) for brokers that require mutual TLS; needs KAFKA_SSL_KEY_FILE. */
  @ValidateIf((c: KafkaConfig) => c.KAFKA_SSL_CERT_FILE !== undefined || c.KAFKA_SSL_KEY_FILE !== undefined)
  @IsReadableFile({ message: 'KAFKA_SSL_CERT_FILE is required with KAFKA_SSL_KEY_FILE: a client certificate and its key go together' })
  KAFKA_SSL_CERT_FILE?: string;

  /** The private key (PEM, unencrypted) of KAFKA_SSL_CERT_FILE. */
  @ValidateIf((c: KafkaConfig) => c.KAFKA_SSL_CERT_FILE !== undefined || c.KAFKA_SSL_KEY_FILE !== undefined)
  @IsReadableFile({ message: 'KAFKA_SSL_KEY_FILE is required with KAFKA_SSL_CERT_FILE: a client certificate and its key go together' })
  KAFKA_SSL_KEY_FILE?: string;

  /** false accepts any broker certificate: only for a test broker with a self-signed one, never in production. */
  @Transform(booleanFromEnv)
  @IsBoolean({ message: 'KAFKA_SSL_REJECT_UNAUTHORIZED must be true or false' })
  KAFKA_SSL_REJECT_UNAUTHORIZED: boolean = true;

  /** How the client authenticates to the brokers (SASL); unset: it does not. Needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD. */
  @ValidateIf((c: KafkaConfig) => c.KAFKA_SASL_MECHANISM !== undefined || c.KAFKA_SASL_USERNAME !== undefined || c.KAFKA_SASL_PASSWORD !== undefined)
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsIn(SASL_MECHANISMS, {
    message: ({ value }) =>
      value === undefined
        ? `KAFKA_SASL_MECHANISM is required with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (one of ${SASL_MECHANISMS.join(', ')})`
        : `KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}`,
  })
  KAFKA_SASL_MECHANISM?: (typeof SASL_MECHANISMS)[number];

  @ValidateIf((c: KafkaConfig) => c.KAFKA_SASL_MECHANISM !== undefined)
  @IsNotEmpty({ message: 'KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM' })
  KAFKA_SASL_USERNAME?: string;

  @ValidateIf((c: KafkaConfig) => c.KAFKA_SASL_MECHANISM !== undefined)
  @IsNotEmpty({ message: 'KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM' })
  KAFKA_SASL_PASSWORD?: string;
}

/**
 * Settings every service reads; an app's config class adds its own. Every field carries its type explicitly:
 * the conversion from the environment reads it from decorator metadata, which an inferred type does not produce.
 */
export class ServiceConfig extends KafkaConfig {
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
   * This process's id in its consumer groups, the same across its restarts and no other process's (Kafka's static
   * membership): a process that crashed and restarts takes its partitions back at once instead of waiting out its old
   * session and a rebalance. k8s gives each pod its name (kept when its container restarts); unset, a process is a
   * new member at every start. Used by KAFKA_CLIENT=platformatic (kafkajs has no static membership).
   */
  @IsOptional() @Matches(/^[\w.-]{1,128}$/, { message: 'CONSUMER_INSTANCE_ID must be 1-128 letters, digits, dots, dashes or underscores' })
  CONSUMER_INSTANCE_ID?: string;

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
