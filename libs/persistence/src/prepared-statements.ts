import { Client } from 'pg';

/** Parameterized statement texts seen so far: how often, and the name of those that run as prepared statements. */
const seen = new Map<string, { uses: number; name?: string }>();
let named = 0;

/** Times a text is sent with parameters before it is prepared, and how many texts a process prepares at most. */
export const PREPARE_AFTER_USES = 3;
export const MAX_PREPARED_STATEMENTS = 200;

/**
 * The name a statement text runs under, once it has been sent often enough; undefined while it runs unnamed. Texts
 * sent once or twice (and generated ones, such as IN lists of every length, past the cap) are never prepared.
 */
export function statementName(text: string): string | undefined {
  let entry = seen.get(text);
  if (!entry) {
    if (seen.size >= 4 * MAX_PREPARED_STATEMENTS) return undefined;
    seen.set(text, (entry = { uses: 0 }));
  }
  if (entry.name === undefined && ++entry.uses >= PREPARE_AFTER_USES && named < MAX_PREPARED_STATEMENTS) entry.name = `hs_${++named}`;
  return entry.name;
}

/**
 * The pg client of every app's pool: a statement the app sends again and again runs as a named prepared statement,
 * which PostgreSQL parses, analyses and plans once per connection (then plans no more once a generic plan is as good),
 * where an unnamed one costs all three every time: a third of PostgreSQL's CPU under the shop's load was planning
 * and parsing the same few dozen statements.
 */
export class PreparingClient extends Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && Array.isArray(values) && values.length) {
      const name = statementName(config);
      if (name) return super.query({ name, text: config, values }, callback);
    }
    return super.query(config, values, callback);
  }
}
