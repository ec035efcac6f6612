/** How a failing handler is retried before its message is dead-lettered. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 10_000, multiplier: 2 };

/** An error that no retry can cure: the message goes to the dead-letter topic at once. */
export class PermanentError extends Error {
  readonly permanent = true;
  override readonly name = 'PermanentError';
}

/** The one policy deciding retry or dead letter: errors flagged `permanent` (bad messages, broken rules) are not retried. */
export function isPermanent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
}

/**
 * The database could not be used at all: no connection to be had, or the one in use broke. It says nothing about the
 * message, so it never counts as a failed attempt: the consumer waits and tries again for as long as it lasts (a
 * PostgreSQL restart must not send every event in flight to the dead-letter topic).
 */
export class DatabaseUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`database unavailable: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'DatabaseUnavailableError';
  }
}

/** Exponential backoff with full jitter, capped: the wait before attempt `failedAttempts + 1`. */
export function backoffMs(policy: RetryPolicy, failedAttempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (failedAttempts - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * The longest wait between two tries while the database is unavailable. Each try costs a connection attempt, and a
 * database that is back must be noticed within a second, not after the policy's longest wait (10 s by default): the
 * recovery target is every group consuming within 10 s of the database answering.
 */
export const DATABASE_RETRY_MAX_MS = 1000;

/** The wait before the next try while the database is unavailable, after `outageTries` tries: the backoff, capped lower. */
export function outageBackoffMs(policy: RetryPolicy, outageTries: number, random: () => number = Math.random): number {
  return backoffMs({ ...policy, maxDelayMs: Math.min(policy.maxDelayMs, DATABASE_RETRY_MAX_MS) }, outageTries, random);
}
