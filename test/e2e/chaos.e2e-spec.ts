import { runChaos } from '../chaos/chaos';

/**
 * A short `npm run chaos` in every `npm test`: every fault once under a light load, then the whole oracle. The full
 * run (longer, heavier) is `npm run chaos`. Light means leaving the machine room for a restart: on two cores, with
 * every event handled on its own at such rates, 8 orders/s kept the shop's 16 processes at 1.5-1.9 cores, and a
 * killed app's start then got what was left (docs/benchmarks.md); 5 orders/s leaves about half the machine.
 */
describe('chaos: every fault under load, then the oracle (real Kafka, PostgreSQL and every app as a process)', () => {
  it('passes every check of the oracle, with every recovery within its target', async () => {
    const lines: string[] = [];
    const result = await runChaos({ ratePerSecond: 5, seconds: 30, gapSeconds: 3, seed: 7, log: (line) => (lines.push(line), process.stdout.write(`${line}\n`)) });
    expect(result.orders).toBeGreaterThan(100);
    expect(result.verdicts.filter((v) => !v.ok).map((v) => `${v.check}: ${v.detail}`)).toEqual([]);
    expect(result.failed).toBe(0);
  }, 15 * 60_000);
});
