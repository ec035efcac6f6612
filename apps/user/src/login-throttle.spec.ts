import { throttleKeys, waitBeforeLogin } from './login-throttle';

const limits = { perAccountAndClient: 5, perAccount: 20, perClient: 30, windowSeconds: 60 };
const now = new Date('2026-12-06T10:00:00Z');
const endsIn = (seconds: number) => new Date(now.getTime() + seconds * 1000);

describe('login throttle', () => {
  it('counts an attempt under the account from its address, the account, and the address; the email in any case', () => {
    expect(throttleKeys(' Kim@Example.com ', '203.0.113.7', limits)).toEqual([
      { key: 'account-client:kim@example.com|203.0.113.7', limit: 5 },
      { key: 'account:kim@example.com', limit: 20 },
      { key: 'client:203.0.113.7', limit: 30 },
    ]);
  });

  it('lets a login through below every limit, and refuses until the latest window ends once one is reached', () => {
    const keys = throttleKeys('kim@example.com', '203.0.113.7', limits);
    const [pair, account, client] = keys.map((k) => k.key);
    expect(waitBeforeLogin([{ key: pair, failures: 4, windowEndsAt: endsIn(30) }], keys, now)).toBe(0);
    expect(waitBeforeLogin([{ key: pair, failures: 5, windowEndsAt: endsIn(30) }], keys, now)).toBe(30);
    expect(waitBeforeLogin([{ key: pair, failures: 5, windowEndsAt: endsIn(30) }, { key: account, failures: 20, windowEndsAt: endsIn(45.2) }], keys, now)).toBe(46);
    expect(waitBeforeLogin([{ key: client, failures: 30, windowEndsAt: endsIn(1) }], keys, now)).toBe(1);
  });

  it('forgets a window that has ended, however many failures it counted', () => {
    const keys = throttleKeys('kim@example.com', '203.0.113.7', limits);
    expect(waitBeforeLogin([{ key: keys[0].key, failures: 500, windowEndsAt: endsIn(-1) }], keys, now)).toBe(0);
  });
});
