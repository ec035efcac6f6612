import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { testDatabase } from '@homestore/testing';
import { PREPARE_AFTER_USES } from '../src/prepared-statements';

/** Every app's pool runs the statements it sends again and again as prepared statements (PreparingClient). */
describe('prepared statements in PostgreSQL', () => {
  let ds: DataSource;
  let drop: () => Promise<void>;

  beforeAll(async () => ({ ds, drop } = await testDatabase('prepared')));
  afterAll(() => drop?.());

  it('prepares a parameterized statement once it is sent often, on each connection, with the same answers', async () => {
    const sql = `SELECT $1::int + 1 AS next /* ${randomUUID()} */`;
    const runner = ds.createQueryRunner();
    try {
      const preparedHere = async () =>
        (await runner.query(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1`, [sql]))[0].n as number;
      const answers: number[] = [];
      for (let i = 0; i < PREPARE_AFTER_USES + 2; i++) {
        answers.push((await runner.query(sql, [i]))[0].next);
        expect(await preparedHere()).toBe(i + 1 >= PREPARE_AFTER_USES ? 1 : 0);
      }
      expect(answers).toEqual(answers.map((_, i) => i + 1));
    } finally {
      await runner.release();
    }
  });
});
