import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@homestore/domain';
import { UserConfig } from './user.config';

/** Failed logins counted under one key within its window. */
export interface FailureCount {
  key: string;
  failures: number;
  windowEndsAt: Date;
}

/** How many failures each kind of key allows within one window. */
export interface LoginLimits {
  /** One account from one client address: what a guesser at one machine gets. */
  perAccountAndClient: number;
  /** One account from anywhere: bounds a guesser spread over many addresses; short, so the owner is not kept out long. */
  perAccount: number;
  /** One client address, whatever the accounts: bounds a guesser trying many accounts. */
  perClient: number;
  windowSeconds: number;
}

/** The keys a login attempt is counted under, and the limit of each (an unknown email counts as a known one). */
export function throttleKeys(email: string, clientIp: string, limits: LoginLimits): { key: string; limit: number }[] {
  const account = email.trim().toLowerCase();
  return [
    { key: `account-client:${account}|${clientIp}`, limit: limits.perAccountAndClient },
    { key: `account:${account}`, limit: limits.perAccount },
    { key: `client:${clientIp}`, limit: limits.perClient },
  ];
}

/** Seconds until a login may be tried again, or 0 when no key is at its limit. */
export function waitBeforeLogin(counts: FailureCount[], keys: { key: string; limit: number }[], now: Date): number {
  let waitMs = 0;
  for (const { key, limit } of keys) {
    const count = counts.find((c) => c.key === key);
    if (count && count.windowEndsAt > now && count.failures >= limit) waitMs = Math.max(waitMs, count.windowEndsAt.getTime() - now.getTime());
  }
  return Math.ceil(waitMs / 1000);
}

/** 429 AUTH.TOO_MANY_ATTEMPTS: the same answer whether or not the account exists. */
export const tooManyAttempts = (retryAfterSeconds: number) =>
  new DomainError('AUTH.TOO_MANY_ATTEMPTS', `Too many failed logins; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });

/**
 * Failed logins per account, per client address and per both, counted in PostgreSQL (so every instance of the user
 * service counts the same) in fixed windows: a key at its limit refuses logins until its window ends, with the right
 * password too, so guessing gets nowhere faster. The windows are short, so an attacker cannot keep the owner out long,
 * and the owner's own address has its own count.
 */
@Injectable()
export class LoginThrottle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly limits: LoginLimits;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    config: UserConfig,
  ) {
    this.limits = {
      perAccountAndClient: config.LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_CLIENT,
      perAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      perClient: config.LOGIN_MAX_FAILURES_PER_CLIENT,
      windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
    };
  }

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => void this.forgetEnded().catch(() => undefined), 60_000);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /** Throws 429 AUTH.TOO_MANY_ATTEMPTS (with when to retry) while one of the attempt's keys is at its limit. */
  async assertMayTry(email: string, clientIp: string): Promise<void> {
    const keys = throttleKeys(email, clientIp, this.limits);
    const rows: { key: string; failures: number; window_ends_at: Date; now: Date }[] = await this.dataSource.query(
      `SELECT key, failures, window_ends_at, now() AS now FROM login_failures WHERE key = ANY($1)`,
      [keys.map((k) => k.key)],
    );
    if (!rows.length) return;
    const wait = waitBeforeLogin(rows.map((r) => ({ key: r.key, failures: r.failures, windowEndsAt: r.window_ends_at })), keys, rows[0].now);
    if (wait > 0) throw tooManyAttempts(wait);
  }

  /** Counts a failed attempt under each of its keys (a new window for a key whose window has ended). */
  async failed(email: string, clientIp: string): Promise<void> {
    const keys = throttleKeys(email, clientIp, this.limits).map((k) => k.key);
    await this.dataSource.query(
      `INSERT INTO login_failures (key, failures, window_ends_at)
       SELECT key, 1, now() + make_interval(secs => $2) FROM unnest($1::text[]) AS key
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN login_failures.window_ends_at > now() THEN login_failures.failures + 1 ELSE 1 END,
         window_ends_at = CASE WHEN login_failures.window_ends_at > now() THEN login_failures.window_ends_at ELSE EXCLUDED.window_ends_at END`,
      [keys, this.limits.windowSeconds],
    );
  }

  /** A successful login clears its account's count from its address (not the others: they may be an attacker's). */
  async succeeded(email: string, clientIp: string): Promise<void> {
    const [pair] = throttleKeys(email, clientIp, this.limits);
    await this.dataSource.query(`DELETE FROM login_failures WHERE key = $1`, [pair.key]);
  }

  /** Forgets windows that ended (called now and then, so the table stays small). */
  async forgetEnded(): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_failures WHERE window_ends_at < now() - interval '1 minute'`);
  }
}
