import { CircuitBreaker, CircuitState, Permit } from './circuit-breaker';

function aBreaker(failureThreshold = 3, cooldownMs = 5000) {
  const clock = { now: 1_000_000 };
  const states: CircuitState[] = [];
  const breaker = new CircuitBreaker({ failureThreshold, cooldownMs, now: () => clock.now, onStateChange: (s) => states.push(s) });
  const call = (success: boolean) => {
    const permit = breaker.tryAcquire();
    if (permit.allowed) breaker.record(permit, success);
    return permit;
  };
  return { breaker, clock, states, call };
}

describe('CircuitBreaker', () => {
  it('stays closed while failures are not consecutive', () => {
    const { breaker, call } = aBreaker(3);
    call(false);
    call(false);
    call(true);
    call(false);
    call(false);
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toEqual({ allowed: true, trial: false });
  });

  it('opens after N consecutive failures and refuses at once, saying when to retry', () => {
    const { breaker, clock, states, call } = aBreaker(3, 5000);
    call(false);
    call(false);
    call(false);
    expect(breaker.state).toBe('open');
    expect(states).toEqual(['open']);
    clock.now += 1500;
    expect(breaker.tryAcquire()).toEqual({ allowed: false, retryAfterMs: 3500 });
  });

  it('lets one trial through after the cool-down and closes when it succeeds', () => {
    const { breaker, clock, states, call } = aBreaker(2, 5000);
    call(false);
    call(false);
    clock.now += 5000;
    const trial = breaker.tryAcquire() as Permit;
    expect(trial).toEqual({ allowed: true, trial: true });
    expect(breaker.state).toBe('half-open');
    // While the trial is under way, everyone else is refused.
    expect(breaker.tryAcquire()).toMatchObject({ allowed: false });
    breaker.record(trial, true);
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
    expect(call(true)).toEqual({ allowed: true, trial: false });
  });

  it('opens again for a full cool-down when the trial fails', () => {
    const { breaker, clock, call } = aBreaker(1, 5000);
    call(false);
    clock.now += 6000;
    call(false); // the trial
    expect(breaker.state).toBe('open');
    clock.now += 4999;
    expect(breaker.tryAcquire()).toMatchObject({ allowed: false });
    clock.now += 1;
    expect(breaker.tryAcquire()).toEqual({ allowed: true, trial: true });
  });

  it('ignores the outcome of calls that started before the circuit opened', () => {
    const { breaker, clock, call } = aBreaker(1, 5000);
    const slow = breaker.tryAcquire() as Permit;
    call(false);
    expect(breaker.state).toBe('open');
    breaker.record(slow, true);
    expect(breaker.state).toBe('open');
    clock.now += 5000;
    breaker.tryAcquire(); // half-open, trial under way
    breaker.record(slow, true);
    expect(breaker.state).toBe('half-open');
  });

  it('a failure count starts again after a success closes the circuit', () => {
    const { breaker, clock, call } = aBreaker(2, 1000);
    call(false);
    call(false);
    clock.now += 1000;
    call(true);
    call(false);
    expect(breaker.state).toBe('closed');
    call(false);
    expect(breaker.state).toBe('open');
  });
});
