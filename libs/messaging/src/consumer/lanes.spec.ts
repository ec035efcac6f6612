import { inLanes } from './lanes';

const tick = () => new Promise((r) => setImmediate(r));

describe('inLanes', () => {
  it('runs the items of one key in order, one after the other, and different keys side by side', async () => {
    const log: string[] = [];
    const running = new Set<string>();
    let together = 0;
    await inLanes(['a1', 'b1', 'a2', 'c1', 'b2', 'a3'], (s) => s[0], async (s) => {
      if (running.has(s[0])) throw new Error(`two items of ${s[0]} at once`);
      running.add(s[0]);
      together = Math.max(together, running.size);
      await tick();
      log.push(s);
      running.delete(s[0]);
    });
    expect(log.filter((s) => s.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(log.filter((s) => s.startsWith('b'))).toEqual(['b1', 'b2']);
    expect(together).toBe(3);
  });

  it('starts nothing more once an item failed, waits for the lanes under way, and answers that first failure', async () => {
    const done: string[] = [];
    let inFlight = 0;
    const run = inLanes(['a1', 'b1', 'a2', 'b2'], (s) => s[0], async (s) => {
      inFlight++;
      await tick();
      inFlight--;
      if (s === 'a1') throw new Error('a1 failed');
      await tick();
      done.push(s);
    });
    await expect(run).rejects.toThrow('a1 failed');
    expect(inFlight).toBe(0);
    expect(done).toEqual(['b1']);
  });

  it('keeps items that share any of their keys in one lane, also through a third item', async () => {
    const log: string[] = [];
    let together = 0;
    let running = 0;
    // x1 and y1 share nothing, z1 joins x and y: x1, y1 and z1 are one lane; w1 is its own.
    const items = [{ id: 'x1', keys: ['x'] }, { id: 'y1', keys: ['y'] }, { id: 'z1', keys: ['y', 'x'] }, { id: 'w1', keys: ['w'] }];
    await inLanes(items, (i) => i.keys, async (i) => {
      running++;
      together = Math.max(together, running);
      await tick();
      log.push(i.id);
      running--;
    });
    expect(log.filter((id) => id !== 'w1')).toEqual(['x1', 'y1', 'z1']);
    expect(together).toBe(2);
  });
});
