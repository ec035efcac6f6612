import type { EntityManager } from 'typeorm';
import { AggregateStore, UnitOfWork } from './unit-of-work';

interface Counter {
  key: string;
  n: number;
}

/** An in-memory store of counters that records every read and write it is asked for. */
class FakeCounters implements AggregateStore<Counter> {
  rows = new Map<string, number>();
  reads: string[][] = [];
  writes: Counter[][] = [];

  async loadMany(_em: EntityManager, keys: string[]): Promise<Map<string, Counter>> {
    this.reads.push([...keys]);
    await new Promise((r) => setTimeout(r, 5));
    return new Map(keys.filter((k) => this.rows.has(k)).map((k) => [k, { key: k, n: this.rows.get(k)! }]));
  }

  async saveMany(_em: EntityManager, items: Counter[]): Promise<void> {
    this.writes.push(items.map((c) => ({ ...c })));
    for (const c of items) this.rows.set(c.key, c.n);
  }
}

const em = {} as EntityManager;

/** Counts one up, as a handler would: load, change, save. */
async function countUp(work: UnitOfWork, store: FakeCounters, key: string): Promise<void> {
  const counter = (await work.load(store, key)) ?? { key, n: 0 };
  counter.n += 1;
  work.save(store, key, counter);
}

describe('UnitOfWork', () => {
  it('answers what handlers ask for in the same turn with one read, and each key with the same instance afterwards', async () => {
    const store = new FakeCounters();
    store.rows.set('a', 10);
    const work = new UnitOfWork(em);
    const [a, b, c] = await Promise.all(['a', 'b', 'a'].map((k) => work.load(store, k)));
    expect(store.reads).toEqual([['a', 'b']]);
    expect(a).toEqual({ key: 'a', n: 10 });
    expect(b).toBeUndefined();
    expect(c).toBe(a);
    expect(await work.load(store, 'a')).toBe(a);
    expect(await work.load(store, 'b')).toBeUndefined();
    expect(store.reads).toHaveLength(1);
  });

  it('joins a key asked for while its read is under way to that read, and reads a later key on its own', async () => {
    const store = new FakeCounters();
    const work = new UnitOfWork(em);
    const first = work.load(store, 'a');
    await new Promise((r) => setImmediate(r)); // the read of 'a' has started
    await Promise.all([work.load(store, 'a'), work.load(store, 'c'), first]);
    expect(store.reads).toEqual([['a'], ['c']]);
  });

  it('writes what was saved once, at flush, each key as it ended, and then runs the before-commit hooks', async () => {
    const store = new FakeCounters();
    const work = new UnitOfWork(em);
    const order: string[] = [];
    const outboxOwner = {};
    work.beforeCommit(outboxOwner, async () => void order.push(`hook after ${store.writes.length} write(s)`));
    work.beforeCommit(outboxOwner, async () => void order.push('a second hook of the same owner'));
    await Promise.all(['a', 'b', 'a', 'a', 'b'].map((k) => countUp(work, store, k)));
    expect(store.writes).toEqual([]);
    await work.flush();
    expect(store.writes).toEqual([[{ key: 'a', n: 3 }, { key: 'b', n: 2 }]]);
    expect(order).toEqual(['hook after 1 write(s)']);
  });

  it('ends as one handler after the other would, whatever the interleaving of handlers on one key', async () => {
    const store = new FakeCounters();
    store.rows.set('x', 1);
    const work = new UnitOfWork(em);
    await Promise.all(Array.from({ length: 25 }, () => countUp(work, store, 'x')));
    await work.flush();
    expect(store.rows.get('x')).toBe(26);
  });

  it('keeps a key saved while its read was under way (a new aggregate is not overwritten by the read that found none)', async () => {
    const store = new FakeCounters();
    const work = new UnitOfWork(em);
    const reading = work.load(store, 'n');
    work.save(store, 'n', { key: 'n', n: 7 });
    await reading;
    expect(await work.load(store, 'n')).toEqual({ key: 'n', n: 7 });
  });

  it('runs the after-commit hooks only when told the transaction committed', async () => {
    const work = new UnitOfWork(em);
    const sent: string[] = [];
    work.afterCommit(() => sent.push('notice'));
    await work.flush();
    expect(sent).toEqual([]);
    work.committed();
    work.committed();
    expect(sent).toEqual(['notice']);
  });

  it('fails every load waiting on a read that failed, and reads the key again when asked again', async () => {
    const store = new FakeCounters();
    const failing = Object.assign(Object.create(store) as FakeCounters, { loadMany: () => Promise.reject(new Error('connection lost')) });
    const work = new UnitOfWork(em);
    await expect(Promise.all([work.load(failing, 'a'), work.load(failing, 'b')])).rejects.toThrow('connection lost');
    const other = new UnitOfWork(em);
    expect(await other.load(store, 'a')).toBeUndefined();
  });
});
