import { Client, type Pool } from 'pg';
import { PreparingClient } from './prepared-statements';
import type { DataSource, DataSourceOptions, MixedList } from 'typeorm';

/** The database of one service on the configured server. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates the service's database if it is missing (safe when several instances start at once). */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${database}"`).catch((e: { code?: string }) => {
        if (e.code !== '42P04' && e.code !== '23505') throw e; // created meanwhile by another instance
      });
    }
  } finally {
    await client.end();
  }
}

export interface ServiceDatabase {
  url: string;
  entities: MixedList<Function | string>;
  migrations: MixedList<Function | string>;
  poolSize?: number;
  /** How long one waits for a pooled connection (or for a new one to connect) before failing; see isDatabaseUnavailable. */
  acquireTimeoutMs?: number;
}

/** The pg connection pool behind a TypeORM data source (for a connection of one's own, or to see how busy it is). */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/** TypeORM options every service uses: its migrations run at start, schema sync is never on. */
export function dataSourceOptions({ url, entities, migrations, poolSize, acquireTimeoutMs }: ServiceDatabase): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    extra: { max: poolSize ?? 10, connectionTimeoutMillis: acquireTimeoutMs ?? 0, Client: PreparingClient },
  };
}

/** PostgreSQL error classes that mean "the server cannot take this now", not "this request is wrong". */
const UNAVAILABLE_SQLSTATES = /^(08|53|57P0[1-3])/;
const UNAVAILABLE_NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * Whether an error means the database cannot be had right now (no pooled connection freed up in time, the server
 * refuses, is starting or shutting down, has too many connections, or the connection broke): worth a 503 and a
 * retry, never a 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_NETWORK.has(code))) return true;
  // pg-pool's own errors carry no code: waiting for a pooled connection, or for a new one to connect, timed out.
  return typeof message === 'string' && /^(timeout exceeded when trying to connect|Connection terminated due to connection timeout)/.test(message);
}
