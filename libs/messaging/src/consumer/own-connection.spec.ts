import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { OwnConnection } from './own-connection';
import { DatabaseUnavailableError } from './retry-policy';

/** A query runner that records what it is asked and fails where told to. */
class FakeRunner {
  isReleased = false;
  readonly calls: string[] = [];
  readonly manager = { runner: this } as unknown as EntityManager;
  constructor(private readonly failing: Partial<Record<'start' | 'commit' | 'rollback', Error>> = {}) {}
  private step(name: 'start' | 'commit' | 'rollback') {
    this.calls.push(name);
    if (this.failing[name]) return Promise.reject(this.failing[name]);
    return Promise.resolve();
  }
  startTransaction = () => this.step('start');
  commitTransaction = () => this.step('commit');
  rollbackTransaction = () => this.step('rollback');
  release = async () => {
    this.calls.push('release');
    this.isReleased = true;
  };
}

function connectionOver(...runners: FakeRunner[]) {
  const handedOut: FakeRunner[] = [];
  const dataSource = {
    createQueryRunner: () => {
      const runner = runners[handedOut.length] ?? new FakeRunner();
      handedOut.push(runner);
      return runner as unknown as QueryRunner;
    },
  } as unknown as DataSource;
  return { connection: new OwnConnection(dataSource), handedOut };
}

describe('OwnConnection', () => {
  it('runs transactions one after the other on one connection, committing each', async () => {
    const { connection, handedOut } = connectionOver();
    const order: string[] = [];
    const slow = connection.transaction(async () => {
      order.push('first starts');
      await new Promise((r) => setTimeout(r, 20));
      order.push('first ends');
      return 1;
    });
    const fast = connection.transaction(async () => {
      order.push('second');
      return 2;
    });
    expect(await Promise.all([slow, fast])).toEqual([1, 2]);
    expect(order).toEqual(['first starts', 'first ends', 'second']);
    expect(handedOut).toHaveLength(1);
    expect(handedOut[0].calls).toEqual(['start', 'commit', 'start', 'commit']);
  });

  it('rolls back when the work fails, passes its error on and keeps the connection', async () => {
    const { connection, handedOut } = connectionOver();
    const broken = new Error('handler failed');
    await expect(connection.transaction(() => Promise.reject(broken))).rejects.toBe(broken);
    await connection.transaction(async () => undefined);
    expect(handedOut).toHaveLength(1);
    expect(handedOut[0].calls).toEqual(['start', 'rollback', 'start', 'commit']);
  });

  it('gives the connection up and reports the database unavailable when a transaction cannot start', async () => {
    const { connection, handedOut } = connectionOver(new FakeRunner({ start: new Error('connect ECONNREFUSED') }));
    const failed = connection.transaction(async () => 'never');
    await expect(failed).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(failed).rejects.toThrow(/ECONNREFUSED/);
    expect(await connection.transaction(async () => 'on a new one')).toBe('on a new one');
    expect(handedOut.map((r) => r.calls)).toEqual([['start', 'release'], ['start', 'commit']]);
  });

  it('gives the connection up and reports the database unavailable when a failed transaction cannot be rolled back', async () => {
    const { connection, handedOut } = connectionOver(new FakeRunner({ commit: new Error('Connection terminated'), rollback: new Error('not queryable') }));
    await expect(connection.transaction(async () => 'done?')).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await connection.transaction(async () => undefined);
    expect(handedOut.map((r) => r.calls)).toEqual([['start', 'commit', 'rollback', 'release'], ['start', 'commit']]);
  });

  it('gives its connection back once the transaction under way is done', async () => {
    const { connection, handedOut } = connectionOver();
    let finish!: () => void;
    const running = connection.transaction(() => new Promise<void>((r) => (finish = r)));
    await new Promise((r) => setImmediate(r));
    const released = connection.release();
    finish();
    await Promise.all([running, released]);
    expect(handedOut[0].calls).toEqual(['start', 'commit', 'release']);
  });
});
