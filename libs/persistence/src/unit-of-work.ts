import type { DataSource, EntityManager } from 'typeorm';

/**
 * How a unit of work reads and writes one kind of aggregate: many at a time. A repository implements it and hands
 * itself to `work.load` and `work.save`; the unit of work decides when the statements run.
 */
export interface AggregateStore<T> {
  /**
   * Reads the aggregates of these keys and locks them until the transaction ends, all at once and in one fixed order
   * (so two transactions locking overlapping sets wait instead of deadlocking). Keys without an aggregate are absent.
   */
  loadMany(em: EntityManager, keys: string[]): Promise<Map<string, T>>;
  /** Writes these aggregates, new or changed, all at once. */
  saveMany(em: EntityManager, aggregates: T[]): Promise<void>;
}

/** One store's share of a unit of work. */
class StoreWork<T> {
  /** The identity map: every key loaded or saved, undefined when there is no such aggregate. */
  readonly known = new Map<string, T | undefined>();
  /** Keys asked for since the last read, and the read that will answer them. */
  private waiting = new Set<string>();
  private nextRead?: Promise<void>;
  /** Keys being read now, and that read. */
  private readonly reading = new Map<string, Promise<void>>();
  /** What to write at commit, by key, in the order first saved. */
  readonly dirty = new Map<string, T>();
  /** The last load asked for each key: the next one answers after it. */
  private readonly lastLoad = new Map<string, Promise<T | undefined>>();

  constructor(
    private readonly store: AggregateStore<T>,
    private readonly em: EntityManager,
  ) {}

  /**
   * Loads of one key answer one after the other, each only once the handler that asked before it has run up to its
   * next await: a handler that finds no aggregate, makes one and saves it before its next await is seen by the next.
   */
  load(key: string): Promise<T | undefined> {
    const before = this.lastLoad.get(key) ?? (this.known.has(key) ? Promise.resolve() : (this.reading.get(key) ?? this.read(key)));
    const answer = before.then(() => this.known.get(key));
    this.lastLoad.set(key, answer);
    return answer;
  }

  save(key: string, aggregate: T): void {
    this.known.set(key, aggregate);
    this.dirty.set(key, aggregate);
  }

  /**
   * Joins the key to the next read. That read starts once the current turn of the event loop is over, so that
   * every handler of a run that asks now (each on its own key) is answered by one statement.
   */
  private read(key: string): Promise<void> {
    this.waiting.add(key);
    this.nextRead ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const keys = [...this.waiting];
      this.waiting = new Set();
      this.nextRead = undefined;
      const done = this.store.loadMany(this.em, keys).then((found) => {
        // A key saved meanwhile keeps what was saved.
        for (const k of keys) if (!this.known.has(k)) this.known.set(k, found.get(k));
      });
      for (const k of keys) this.reading.set(k, done);
      try {
        await done;
      } finally {
        for (const k of keys) this.reading.delete(k);
      }
    });
    return this.nextRead;
  }
}

/**
 * One transaction's aggregates: an identity map and a write-behind, as Hibernate's session or Axon's UnitOfWork keep.
 * `load` answers the same instance for a key every time, reading what several handlers ask for at once in one
 * statement; `save` only marks the aggregate, and `flush` writes every store's marked aggregates in one statement
 * each, then runs what asked to run before the commit (the outbox stages its rows so). Code that loads, changes and
 * saves one aggregate reads as if it were alone, and costs a few statements however many events share the work.
 *
 * Between two awaits, a handler has the aggregates to itself: make each decision inside the aggregate's own method,
 * on its state as it is then (and save an aggregate it made before its next await), and concurrent handlers of one
 * unit of work end as one after the other would.
 */
export class UnitOfWork {
  private readonly stores = new Map<AggregateStore<unknown>, StoreWork<unknown>>();
  private readonly beforeCommitHooks = new Map<object, () => Promise<void>>();
  private readonly afterCommitHooks: (() => void)[] = [];

  constructor(readonly em: EntityManager) {}

  /** The aggregate of `key` from `store`, locked until the transaction ends; undefined when there is none. */
  load<T>(store: AggregateStore<T>, key: string): Promise<T | undefined> {
    return this.of(store).load(key);
  }

  /** Marks the aggregate of `key` (new or changed) to be written at commit; later loads of the key answer it. */
  save<T>(store: AggregateStore<T>, key: string, aggregate: T): void {
    this.of(store).save(key, aggregate);
  }

  /** Runs `hook` once, after the aggregates are written and before the commit; one hook per owner. */
  beforeCommit(owner: object, hook: () => Promise<void>): void {
    if (!this.beforeCommitHooks.has(owner)) this.beforeCommitHooks.set(owner, hook);
  }

  /** Runs `hook` once the transaction has committed (never when it rolls back). */
  afterCommit(hook: () => void): void {
    this.afterCommitHooks.push(hook);
  }

  /** Writes what was saved, each store in the order it was first used, then runs the before-commit hooks. */
  async flush(): Promise<void> {
    for (const [store, work] of this.stores) {
      if (!work.dirty.size) continue;
      const aggregates = [...work.dirty.values()];
      work.dirty.clear();
      await store.saveMany(this.em, aggregates);
    }
    const hooks = [...this.beforeCommitHooks.values()];
    this.beforeCommitHooks.clear();
    for (const hook of hooks) await hook();
  }

  /** Called once the transaction committed: runs the after-commit hooks. */
  committed(): void {
    for (const hook of this.afterCommitHooks.splice(0)) hook();
  }

  private of<T>(store: AggregateStore<T>): StoreWork<T> {
    let work = this.stores.get(store as AggregateStore<unknown>) as StoreWork<T> | undefined;
    if (!work) {
      work = new StoreWork(store, this.em);
      this.stores.set(store as AggregateStore<unknown>, work as StoreWork<unknown>);
    }
    return work;
  }
}

/** Runs `fn` in a new transaction of `dataSource` with its unit of work, flushed before the commit. */
export async function inUnitOfWork<R>(dataSource: DataSource, fn: (work: UnitOfWork) => Promise<R>): Promise<R> {
  let work!: UnitOfWork;
  const result = await dataSource.transaction(async (em) => {
    work = new UnitOfWork(em);
    const answer = await fn(work);
    await work.flush();
    return answer;
  });
  work.committed();
  return result;
}
