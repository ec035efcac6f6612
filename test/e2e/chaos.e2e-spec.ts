import { runChaos } from '../chaos/chaos';

/**
 * A short `npm run chaos` in every `npm test`: every fault once under a light load, then the whole oracle. The full
 * run (longer, heavier) is `npm run chaos`.
 */
describe('chaos: every fault under load, then the oracle (real Kafka, PostgreSQL and every app as a process)', () => {
  it('passes every check of the oracle, with every recovery within its target', async () => {
    const lines: string[] = [];
    const result = await runChaos({ ratePerSecond: 8, seconds: 30, gapSeconds: 3, seed: 7, log: (line) => (lines.push(line), process.stdout.write(`${line}\n`)) });
    expect(result.orders).toBeGreaterThan(100);
    expect(result.verdicts.filter((v) => !v.ok).map((v) => `${v.check}: ${v.detail}`)).toEqual([]);
    expect(result.failed).toBe(0);
  }, 15 * 60_000);
});
