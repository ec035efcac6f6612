import { Together } from './together';

describe('Together', () => {
  it('hands items submitted in one turn to one call, and items submitted during a call to the next one', async () => {
    const calls: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const together = new Together<number, number>(async (items) => {
      calls.push(items);
      if (calls.length === 1) await gate;
      return items.map((i) => i * 10);
    });

    const first = [1, 2, 3].map((i) => together.submit(i));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const later = [4, 5].map((i) => together.submit(i));
    release();

    expect(await Promise.all([...first, ...later])).toEqual([10, 20, 30, 40, 50]);
    expect(calls).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('rejects every item of a failed call, and the next call runs anyway', async () => {
    const together = new Together<string, string>(async (items) => {
      if (items.includes('bad')) throw new Error('boom');
      return items;
    });
    const results = await Promise.allSettled([together.submit('ok'), together.submit('bad')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(together.submit('fine')).resolves.toBe('fine');
  });

  it('never runs two calls at once', async () => {
    let inFlight = 0;
    let most = 0;
    const together = new Together<number, number>(async (items) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return items;
    });
    const all: Promise<number>[] = [];
    for (let i = 0; i < 20; i++) {
      all.push(together.submit(i));
      if (i % 3 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(await Promise.all(all)).toEqual([...Array(20).keys()]);
    expect(most).toBe(1);
  });
});
