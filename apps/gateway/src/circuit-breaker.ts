export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one trial request may pass. */
  cooldownMs: number;
  now?: () => number;
  onStateChange?: (state: CircuitState) => void;
}

/** Leave to call the upstream; hand it back to `record` with the outcome. */
export interface Permit {
  allowed: true;
  trial: boolean;
}

export interface Refusal {
  allowed: false;
  /** When a request may be let through again. */
  retryAfterMs: number;
}

/**
 * Consecutive-failure circuit breaker: closed → open after `failureThreshold` failures in a row → after
 * `cooldownMs`, half-open: one trial request passes while the others are refused → closed if it succeeds,
 * open for another cool-down if it fails.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    return this.current;
  }

  tryAcquire(): Permit | Refusal {
    if (this.current === 'closed') return { allowed: true, trial: false };
    const waited = this.now() - this.openedAt;
    if (this.current === 'open' && waited >= this.options.cooldownMs) {
      this.transition('half-open');
      return { allowed: true, trial: true };
    }
    // Open and cooling down, or half-open with its trial still under way.
    return { allowed: false, retryAfterMs: Math.max(this.options.cooldownMs - waited, 1000) };
  }

  /** The outcome of a permitted call. Calls that started before the circuit opened do not decide anything. */
  record(permit: Permit, success: boolean): void {
    if (this.current === 'half-open' && permit.trial) {
      if (success) this.close();
      else this.open();
    } else if (this.current === 'closed') {
      if (success) this.failures = 0;
      else if (++this.failures >= this.options.failureThreshold) this.open();
    }
  }

  private open(): void {
    this.openedAt = this.now();
    this.transition('open');
  }

  private close(): void {
    this.failures = 0;
    this.transition('closed');
  }

  private transition(state: CircuitState): void {
    if (state === this.current) return;
    this.current = state;
    this.options.onStateChange?.(state);
  }
}
