import { EventDecodeError } from '@homestore/events';
import { backoffMs, DATABASE_RETRY_MAX_MS, DEFAULT_RETRY_POLICY, isPermanent, outageBackoffMs, PermanentError } from './retry-policy';

describe('retry policy', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2 };

  it('doubles the wait after each failure, within half and all of the ceiling', () => {
    expect([1, 2, 3].map((n) => backoffMs(policy, n, () => 1))).toEqual([100, 200, 400]);
    expect([1, 2, 3].map((n) => backoffMs(policy, n, () => 0))).toEqual([50, 100, 200]);
  });

  it('never waits longer than the cap', () => {
    expect(backoffMs(policy, 30, () => 1)).toBe(1000);
  });

  it('waits for the database the same way, but never longer than a second between tries', () => {
    expect([1, 2, 3].map((n) => outageBackoffMs(DEFAULT_RETRY_POLICY, n, () => 1))).toEqual([200, 400, 800]);
    expect(outageBackoffMs(DEFAULT_RETRY_POLICY, 30, () => 1)).toBe(DATABASE_RETRY_MAX_MS);
    expect(outageBackoffMs(DEFAULT_RETRY_POLICY, 30, () => 0)).toBe(DATABASE_RETRY_MAX_MS / 2);
    expect(backoffMs(DEFAULT_RETRY_POLICY, 30, () => 1)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs);
  });

  it('treats undecodable messages and explicit permanent errors as permanent, anything else as transient', () => {
    expect(isPermanent(new EventDecodeError('INVALID_JSON'))).toBe(true);
    expect(isPermanent(new PermanentError('rule broken'))).toBe(true);
    expect(isPermanent(new Error('connection reset'))).toBe(false);
    expect(isPermanent('boom')).toBe(false);
  });
});
