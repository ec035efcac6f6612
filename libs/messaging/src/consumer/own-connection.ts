import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { DatabaseUnavailableError } from './retry-policy';

/**
 * A consumer group's own database connection, taken from the pool once and kept: its transactions run on it one
 * after the other instead of each waiting for a pooled connection. When the app's HTTP requests take every pooled
 * connection (a burst of orders), events keep flowing; queued behind the requests, a group's transactions took a
 * second each and its lag grew without end. The outbox relay keeps its own connection for the same reason.
 *
 * A connection that breaks (or whose transaction cannot be rolled back) is given back and the next transaction
 * takes a new one. A transaction that cannot start, or cannot be rolled back, fails with DatabaseUnavailableError:
 * the connection is gone, whatever the work did.
 */
export class OwnConnection {
  private runner?: QueryRunner;
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in a transaction on this connection once the transactions before it are done; commits it or rolls it back. */
  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const result = this.last.then(() => this.run(work));
    this.last = result.catch(() => undefined);
    return result;
  }

  /** Gives the connection back to the pool once the transactions under way are done. */
  async release(): Promise<void> {
    await this.last;
    await this.giveUp();
  }

  private async run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!this.runner || this.runner.isReleased) this.runner = this.dataSource.createQueryRunner();
    const runner = this.runner;
    try {
      await runner.startTransaction();
    } catch (e) {
      await this.giveUp();
      throw new DatabaseUnavailableError(e);
    }
    try {
      const result = await work(runner.manager);
      await runner.commitTransaction();
      return result;
    } catch (e) {
      try {
        await runner.rollbackTransaction();
      } catch {
        await this.giveUp();
        throw new DatabaseUnavailableError(e);
      }
      throw e;
    }
  }

  private async giveUp(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    // pg-pool drops a connection that broke rather than pooling it again.
    if (runner && !runner.isReleased) await runner.release().catch(() => undefined);
  }
}
