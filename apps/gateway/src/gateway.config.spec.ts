import { ConfigError, loadConfig } from '@homestore/platform';
import { GatewayConfig } from './gateway.config';

describe('GatewayConfig', () => {
  it('has defaults that run locally', () => {
    const config = loadConfig('gateway', GatewayConfig, {});
    expect(config).toMatchObject({ PORT: 8080, USER_URL: 'http://127.0.0.1:3001', MESSAGE_URL: 'http://127.0.0.1:3006', MILEAGE_URL: 'http://127.0.0.1:3007', UPSTREAM_TIMEOUT_MS: 3000, RATE_LIMIT_IP: 600, RATE_LIMIT_USER: 300 });
  });

  it('reads numbers and URLs from the environment', () => {
    const config = loadConfig('gateway', GatewayConfig, {
      ORDER_URL: 'http://order.homestore.svc:3002',
      UPSTREAM_TIMEOUT_MS: '500',
      BREAKER_FAILURE_THRESHOLD: '3',
      BREAKER_COOLDOWN_MS: '2000',
      RATE_LIMIT_IP: '12',
      RATE_LIMIT_USER: '3',
      RATE_LIMIT_WINDOW_MS: '60000',
      TRUSTED_PROXY_HOPS: '1',
      READINESS_TIMEOUT_MS: '300',
    });
    expect(config).toMatchObject({ ORDER_URL: 'http://order.homestore.svc:3002', UPSTREAM_TIMEOUT_MS: 500, BREAKER_FAILURE_THRESHOLD: 3, BREAKER_COOLDOWN_MS: 2000, RATE_LIMIT_IP: 12, RATE_LIMIT_USER: 3, RATE_LIMIT_WINDOW_MS: 60000, TRUSTED_PROXY_HOPS: 1, READINESS_TIMEOUT_MS: 300 });
  });

  it('takes several URLs of one service, separated by commas, and refuses a list with a bad one', () => {
    expect(loadConfig('gateway', GatewayConfig, { ORDER_URL: 'http://127.0.0.1:3002,http://127.0.0.1:3012' }).ORDER_URL).toBe('http://127.0.0.1:3002,http://127.0.0.1:3012');
    expect(() => loadConfig('gateway', GatewayConfig, { ORDER_URL: 'http://127.0.0.1:3002,order:3012' })).toThrow(/ORDER_URL must be an http\(s\) URL, or several separated by commas/);
  });

  it('names every bad variable', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig('gateway', GatewayConfig, { USER_URL: 'user:3001', UPSTREAM_TIMEOUT_MS: '0', RATE_LIMIT_IP: 'lots' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems.map((p) => p.split(' ')[0]).sort()).toEqual(['RATE_LIMIT_IP', 'UPSTREAM_TIMEOUT_MS', 'USER_URL']);
  });
});
