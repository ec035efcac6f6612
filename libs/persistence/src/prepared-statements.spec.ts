import { randomUUID } from 'node:crypto';
import { PREPARE_AFTER_USES, statementName } from './prepared-statements';

describe('statementName: which statements run prepared', () => {
  const text = () => `SELECT * FROM t WHERE id = $1 /* ${randomUUID()} */`;

  it('names a text once it has been sent PREPARE_AFTER_USES times, and keeps that name', () => {
    const sql = text();
    const names = Array.from({ length: PREPARE_AFTER_USES + 2 }, () => statementName(sql));
    expect(names.slice(0, PREPARE_AFTER_USES - 1)).toEqual(Array(PREPARE_AFTER_USES - 1).fill(undefined));
    const name = names[PREPARE_AFTER_USES - 1];
    expect(name).toMatch(/^hs_\d+$/);
    expect(names.slice(PREPARE_AFTER_USES)).toEqual([name, name]);
  });

  it('gives every text a name of its own', () => {
    const [a, b] = [text(), text()];
    for (let i = 1; i < PREPARE_AFTER_USES; i++) [statementName(a), statementName(b)];
    expect(statementName(a)).not.toEqual(statementName(b));
  });

  it('prepares at most MAX_PREPARED_STATEMENTS texts in a process: generated texts cannot fill the server with plans', () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('./prepared-statements') as typeof import('./prepared-statements');
      const nameOf = (sql: string) => Array.from({ length: fresh.PREPARE_AFTER_USES }, () => fresh.statementName(sql)).pop();
      const names = Array.from({ length: fresh.MAX_PREPARED_STATEMENTS }, () => nameOf(text()));
      expect(new Set(names).size).toBe(fresh.MAX_PREPARED_STATEMENTS);
      expect(names.every((n) => n !== undefined)).toBe(true);
      expect(nameOf(text())).toBeUndefined();
    });
  });
});
