import { In, type EntityManager, type EntityTarget, type FindOptionsWhere, type ObjectLiteral } from 'typeorm';

/** Keys in the one order every transaction locks them in (sorted, each once). */
export function keysInLockOrder(keys: string[]): string[] {
  return [...new Set(keys)].sort();
}

/**
 * SQL of a one-row subquery that takes the transaction-scoped advisory locks of the keys in the array parameter
 * `keys` (in keysInLockOrder), in the namespace parameter `space`, one after the other in the array's order. A
 * statement that joins it has every lock before it produces a row, so it can take its locks and write in one round
 * trip (the Outbox does); lockKeys runs it alone.
 */
export function lockKeysSql(space: string, keys: string): string {
  return `SELECT count(pg_advisory_xact_lock(${space}, hashtext(key))) AS locked
    FROM (SELECT key FROM unnest(${keys}::text[]) WITH ORDINALITY AS k(key, n) ORDER BY n OFFSET 0) AS keys`;
}

/**
 * Takes the transaction-scoped advisory locks of these keys in one namespace (`space`), in one fixed order (sorted),
 * so two transactions locking overlapping sets wait for each other instead of deadlocking. Answers the keys locked,
 * in that order, each once.
 */
export async function lockKeys(em: EntityManager, space: number, keys: string[]): Promise<string[]> {
  const sorted = keysInLockOrder(keys);
  if (sorted.length) await em.query(lockKeysSql('$1', '$2'), [space, sorted]);
  return sorted;
}

/**
 * Takes the locks of these keys (lockKeys), then reads the rows of `entity` whose `column` holds one of them: two
 * statements for any number of keys. The read is a statement of its own after the locks, so it sees whatever a
 * transaction that held one of them committed (a row that did not exist yet, too).
 */
export async function findLocked<E extends ObjectLiteral>(
  em: EntityManager,
  space: number,
  entity: EntityTarget<E>,
  column: keyof E & string,
  keys: string[],
): Promise<E[]> {
  const locked = await lockKeys(em, space, keys);
  return locked.length ? em.findBy(entity, { [column]: In(locked) } as FindOptionsWhere<E>) : [];
}
