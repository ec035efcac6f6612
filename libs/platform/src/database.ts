import { Client } from 'pg';
import type { DataSourceOptions, EntityManager, MixedList } from 'typeorm';

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
}

/** TypeORM options every service uses: its migrations run at start, schema sync is never on. */
export function dataSourceOptions({ url, entities, migrations, poolSize }: ServiceDatabase): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    extra: { max: poolSize ?? 10 },
  };
}

/**
 * Takes the transaction-scoped advisory locks of these keys in one namespace (`space`), in one fixed order (sorted),
 * so two transactions locking overlapping sets wait for each other instead of deadlocking.
 */
export async function lockKeys(em: EntityManager, space: number, keys: string[]): Promise<void> {
  const sorted = [...new Set(keys)].sort();
  if (!sorted.length) return;
  await em.query(
    `SELECT pg_advisory_xact_lock($1, hashtext(key))
     FROM (SELECT key FROM unnest($2::text[]) WITH ORDINALITY AS k(key, n) ORDER BY n OFFSET 0) AS keys`,
    [space, sorted],
  );
}
