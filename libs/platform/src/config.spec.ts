import { IsString, MinLength } from 'class-validator';
import { ConfigError, loadConfig, ServiceConfig } from './config';

class DemoConfig extends ServiceConfig {
  override PORT = 3999;
  @IsString() SECRET: string;
}

describe('loadConfig', () => {
  it('applies defaults and converts numbers', () => {
    const config = loadConfig('demo', DemoConfig, { SECRET: 's', PORT: '4001', CONSUMER_CONCURRENCY: '6', CONSUMER_RETRY_MAX_MS: '500' });
    expect(config.PORT).toBe(4001);
    expect(config.CONSUMER_CONCURRENCY).toBe(6);
    expect(config.CONSUMER_RETRY_MAX_MS).toBe(500);
    expect(config.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(config.CONSUMER_MAX_ATTEMPTS).toBe(5);
  });

  it('names every missing or bad variable with what was given', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig('demo', DemoConfig, { PORT: 'eighty', KAFKA_BROKERS: 'localhost', DATABASE_URL: 'mysql://x' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toMatch(/^demo: invalid configuration/);
    expect(error!.problems.map((p) => p.split(' ')[0]).sort()).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'PORT', 'SECRET']);
    expect(error!.message).toMatch(/KAFKA_BROKERS \(got "localhost"\)/);
    expect(error!.message).toMatch(/SECRET \(not set\)/);
  });

  it('never prints the value of a secret', () => {
    class Vault extends ServiceConfig {
      override PORT = 1;
      @MinLength(20) VAULT_PASSWORD: string;
    }
    expect(() => loadConfig('vault', Vault, { VAULT_PASSWORD: 'hunter2' })).toThrow(/VAULT_PASSWORD \(value hidden\): VAULT_PASSWORD must be longer/);
    expect(() => loadConfig('vault', Vault, { VAULT_PASSWORD: 'hunter2' })).not.toThrow(/hunter2/);
  });
});
