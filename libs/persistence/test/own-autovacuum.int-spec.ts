import type { DataSource } from 'typeorm';
import { eventually, testDatabase } from '@homestore/testing';
import { OwnAutovacuum } from '../src';

/** An app keeps its own tables vacuumed and analysed when the server does not (OwnAutovacuum). */
describe('own autovacuum in PostgreSQL', () => {
  let ds: DataSource;
  let drop: () => Promise<void>;

  const stats = async (table: string) =>
    (
      await ds.query(
        `SELECT n_dead_tup::int AS dead, n_mod_since_analyze::int AS changed, vacuum_count::int AS vacuums, analyze_count::int AS analyses
         FROM pg_stat_user_tables WHERE relname = $1`,
        [table],
      )
    )[0] as { dead: number; changed: number; vacuums: number; analyses: number } | undefined;

  beforeAll(async () => ({ ds, drop } = await testDatabase('vacuum')));
  afterAll(() => drop?.());

  it('vacuums a table past autovacuum’s threshold of dead rows, analyses a much-changed one, and leaves the rest', async () => {
    await ds.query(`CREATE TABLE churned (id int PRIMARY KEY, n int NOT NULL)`);
    await ds.query(`CREATE TABLE grown (id int PRIMARY KEY)`);
    await ds.query(`CREATE TABLE quiet (id int PRIMARY KEY)`);
    await ds.query(`INSERT INTO churned SELECT g, 0 FROM generate_series(1, 1000) g`);
    await ds.query(`INSERT INTO quiet SELECT g FROM generate_series(1, 1000) g`);
    for (const table of ['churned', 'quiet']) await eventually(`the rows of ${table} to be counted`, () => stats(table), (s) => (s?.changed ?? 0) >= 1000);
    await ds.query(`ANALYZE churned, grown, quiet`);
    const vacuum = new OwnAutovacuum(ds);
    await ds.query(`UPDATE churned SET n = n + 1 WHERE id <= 600`); // 600 dead rows: past 50 + 20 % of 1,000
    await ds.query(`INSERT INTO grown SELECT g FROM generate_series(1, 200) g`); // changed, nothing dead
    await ds.query(`DELETE FROM quiet WHERE id <= 10`); // 10 dead rows: under the thresholds
    // The server counts changes a moment after they commit.
    await eventually('the dead rows to be counted', () => stats('churned'), (s) => (s?.dead ?? 0) >= 600);
    await eventually('the new rows to be counted', () => stats('grown'), (s) => (s?.changed ?? 0) >= 200);
    await eventually('the deleted rows to be counted', () => stats('quiet'), (s) => (s?.dead ?? 0) >= 10);

    expect((await vacuum.runOnce()).sort()).toEqual(['public.churned', 'public.grown']);
    await eventually('churned to be vacuumed', () => stats('churned'), (s) => s?.vacuums === 1 && s.dead === 0);
    await eventually('grown to be analysed again', () => stats('grown'), (s) => s?.analyses === 2 && s.vacuums === 0);
    expect(await stats('quiet')).toMatchObject({ vacuums: 0, dead: 10 });
    expect(await vacuum.runOnce()).toEqual([]);
  });
});
