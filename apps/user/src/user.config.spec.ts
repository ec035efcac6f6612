import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from '@homestore/platform';
import { UserConfig } from './user.config';

const pem = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

function problems(env: Record<string, string>): string {
  try {
    loadConfig('user', UserConfig, env);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return '';
}

describe('UserConfig', () => {
  const key = pem(2048);

  it('runs locally with the documented clerk login and no signing key', () => {
    const config = loadConfig('user', UserConfig, {});
    expect(config).toMatchObject({ PORT: 3001, AUTH_TOKEN_TTL_SECONDS: 900, STORE_ADMIN_EMAIL: 'store@homestore.local', STORE_ADMIN_PASSWORD: 'homestore-store-1' });
    expect(config.AUTH_PRIVATE_KEY).toBeUndefined();
  });

  it('takes AUTH_TOKEN_TTL_SECONDS from the environment as a number, within 60 s to a day', () => {
    expect(loadConfig('user', UserConfig, { AUTH_TOKEN_TTL_SECONDS: '3600' }).AUTH_TOKEN_TTL_SECONDS).toBe(3600);
    expect(problems({ AUTH_TOKEN_TTL_SECONDS: '30' })).toMatch(/AUTH_TOKEN_TTL_SECONDS \(got "30"\): AUTH_TOKEN_TTL_SECONDS must not be less than 60/);
  });

  it('refuses, in production, the local clerk defaults and a missing signing key, naming each', () => {
    const message = problems({ NODE_ENV: 'production' });
    expect(message).toMatch(/STORE_ADMIN_EMAIL \(not set\): STORE_ADMIN_EMAIL is the documented local default, refused when NODE_ENV=production/);
    expect(message).toMatch(/STORE_ADMIN_PASSWORD \(not set\): STORE_ADMIN_PASSWORD is the documented local default/);
    expect(message).toMatch(/AUTH_PRIVATE_KEY \(not set\): .*required when NODE_ENV=production/);
    expect(problems({ NODE_ENV: 'production', STORE_ADMIN_EMAIL: 'store@homestore.local', STORE_ADMIN_PASSWORD: 'homestore-store-1', AUTH_PRIVATE_KEY: key })).toMatch(
      /STORE_ADMIN_PASSWORD \(value hidden\)/,
    );
  });

  it('starts in production with its own clerk login and key (PEM given with \\n escapes)', () => {
    const config = loadConfig('user', UserConfig, {
      NODE_ENV: 'production',
      STORE_ADMIN_EMAIL: 'clerk@shop.example',
      STORE_ADMIN_PASSWORD: 'a-long-real-secret',
      AUTH_PRIVATE_KEY: key.replace(/\n/g, '\\n'),
    });
    expect(config.AUTH_PRIVATE_KEY).toBe(key);
  });

  it('rejects a key that cannot sign RS256, without printing it', () => {
    const weak = pem(1024);
    const message = problems({ AUTH_PRIVATE_KEY: weak });
    expect(message).toMatch(/AUTH_PRIVATE_KEY \(value hidden\): AUTH_PRIVATE_KEY must be an RSA private key in PEM \(at least 2048 bits\)/);
    expect(message).not.toContain('PRIVATE KEY-----');
    expect(problems({ AUTH_PRIVATE_KEY: 'not a key' })).toMatch(/AUTH_PRIVATE_KEY \(value hidden\)/);
  });
});
