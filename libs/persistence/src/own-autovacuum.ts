import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

/**
 * An app's own autovacuum, for a PostgreSQL server that runs without one (`autovacuum = off`, as on this project's
 * development machines). Updates and deletes leave dead rows behind, and the shop's busiest tables make them fast
 * (the outbox: a row in and out per event; orders and myPage: five versions per order): without vacuuming, within
 * minutes at 150 orders/s the relay's read of the outbox took 2.8 ms instead of 0.1 ms and reading an order 3 ms, and
 * without analysing, the planner guesses. So every `intervalMs`, the app vacuums and analyses the tables of its
 * database that are past the thresholds autovacuum itself would use (PostgreSQL's defaults).
 */
export class OwnAutovacuum {
  private readonly logger = new Logger('OwnAutovacuum');
  private timer?: NodeJS.Timeout;
  private round?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly intervalMs = 10_000,
  ) {}

  /** Starts the rounds when the server's autovacuum is off; answers whether it did. */
  async start(): Promise<boolean> {
    const [{ autovacuum }] = await this.dataSource.query(`SHOW autovacuum`);
    if (autovacuum === 'on') return false;
    this.logger.warn(`autovacuum is off on this PostgreSQL server: this app vacuums and analyses its own tables every ${this.intervalMs / 1000} s`);
    this.timer = setInterval(() => {
      this.round ??= this.runOnce()
        .catch((e: Error) => this.logger.warn(`vacuum round failed (tried again in ${this.intervalMs / 1000} s): ${e.message}`))
        .finally(() => (this.round = undefined));
    }, this.intervalMs);
    this.timer.unref();
    return true;
  }

  /** Stops the rounds, waiting for one under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
  }

  /**
   * One round: vacuums (and analyses) each table with more dead rows than 50 + 20 % of its live ones, and analyses
   * each with more changes since its last analysis than 50 + 10 %. Answers the tables it vacuumed or analysed.
   */
  async runOnce(): Promise<string[]> {
    const due: { name: string; vacuum: boolean }[] = await this.dataSource.query(
      `SELECT format('%I.%I', schemaname, relname) AS name, n_dead_tup > 50 + 0.2 * n_live_tup AS vacuum
       FROM pg_stat_user_tables
       WHERE n_dead_tup > 50 + 0.2 * n_live_tup OR n_mod_since_analyze > 50 + 0.1 * n_live_tup
       ORDER BY n_dead_tup DESC`,
    );
    for (const { name, vacuum } of due) {
      // SKIP_LOCKED: a table another instance is vacuuming is left to it; TRUNCATE false: never waits for the
      // exclusive lock that giving empty pages back to the file system needs (the outbox reuses them anyway).
      await this.dataSource.query(vacuum ? `VACUUM (ANALYZE, SKIP_LOCKED, TRUNCATE false) ${name}` : `ANALYZE (SKIP_LOCKED) ${name}`);
    }
    return due.map((t) => t.name);
  }
}
