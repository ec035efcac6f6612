export interface RateLimiterOptions {
  /** Requests allowed per window (also the burst a quiet key may spend at once). */
  limit: number;
  windowMs: number;
  now?: () => number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * In-memory token buckets, one per key (a client IP or a user id): `limit` tokens, refilled evenly over
 * `windowMs`. Memory is per process, so each gateway instance limits on its own.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly now: () => number;
  private sweptAt: number;

  constructor(private readonly options: RateLimiterOptions) {
    this.perMs = options.limit / options.windowMs;
    this.now = options.now ?? Date.now;
    this.sweptAt = this.now();
  }

  take(key: string): RateDecision {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key);
    const tokens = bucket ? Math.min(this.options.limit, bucket.tokens + (now - bucket.at) * this.perMs) : this.options.limit;
    if (tokens < 1) {
      if (bucket) Object.assign(bucket, { tokens, at: now });
      return { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / this.perMs) };
    }
    if (bucket) Object.assign(bucket, { tokens: tokens - 1, at: now });
    else this.buckets.set(key, { tokens: tokens - 1, at: now });
    return { allowed: true };
  }

  /** Keys tracked now (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  /** Once a window, forgets keys whose bucket has refilled: they are the same as a key never seen. */
  private sweep(now: number): void {
    if (now - this.sweptAt < this.options.windowMs) return;
    this.sweptAt = now;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.options.limit) this.buckets.delete(key);
    }
  }
}
