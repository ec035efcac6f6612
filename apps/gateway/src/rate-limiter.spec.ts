import { RateLimiter } from './rate-limiter';

function aLimiter(limit: number, windowMs: number) {
  const clock = { now: 0 };
  return { clock, limiter: new RateLimiter({ limit, windowMs, now: () => clock.now }) };
}

describe('RateLimiter', () => {
  it('allows the limit at once, then refuses with the time until the next token', () => {
    const { limiter } = aLimiter(5, 10_000);
    for (let i = 0; i < 5; i++) expect(limiter.take('1.2.3.4')).toEqual({ allowed: true });
    expect(limiter.take('1.2.3.4')).toEqual({ allowed: false, retryAfterMs: 2000 });
  });

  it('refills evenly over the window', () => {
    const { clock, limiter } = aLimiter(5, 10_000);
    for (let i = 0; i < 5; i++) limiter.take('a');
    clock.now += 1999;
    expect(limiter.take('a').allowed).toBe(false);
    clock.now += 1;
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a').allowed).toBe(false);
    clock.now += 10_000;
    for (let i = 0; i < 5; i++) expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('keeps keys apart', () => {
    const { limiter } = aLimiter(1, 1000);
    expect(limiter.take('alice').allowed).toBe(true);
    expect(limiter.take('alice').allowed).toBe(false);
    expect(limiter.take('bob').allowed).toBe(true);
  });

  it('forgets keys whose bucket has refilled', () => {
    const { clock, limiter } = aLimiter(10, 1000);
    for (let i = 0; i < 100; i++) limiter.take(`ip-${i}`);
    expect(limiter.size).toBe(100);
    clock.now += 500;
    limiter.take('late');
    expect(limiter.size).toBe(101);
    clock.now += 1000;
    limiter.take('later');
    expect(limiter.size).toBe(1);
  });
});
