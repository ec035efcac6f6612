import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsString, MinLength } from 'class-validator';
import { ConfigError, KafkaConfig, loadConfig, ServiceConfig } from './config';

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

describe('Kafka SSL and SASL settings', () => {
  const pem = (name: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'homestore-config-')), name);
    writeFileSync(path, '-----BEGIN CERTIFICATE-----\n');
    return path;
  };
  const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
    try {
      loadConfig('demo', KafkaConfig, env);
      return [];
    } catch (e) {
      return (e as ConfigError).problems;
    }
  };

  it('is plain TCP without authentication by default, for a service too', () => {
    const config = loadConfig('demo', DemoConfig, { SECRET: 's' });
    expect(config.KAFKA_SSL).toBe(false);
    expect(config.KAFKA_SSL_REJECT_UNAUTHORIZED).toBe(true);
    expect(config.KAFKA_SASL_MECHANISM).toBeUndefined();
  });

  it('reads SASL_SSL with SCRAM, the mechanism in any case', () => {
    const ca = pem('ca.pem');
    const config = loadConfig('demo', KafkaConfig, {
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: ca,
      KAFKA_SSL_REJECT_UNAUTHORIZED: 'false',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'homestore',
      KAFKA_SASL_PASSWORD: '12345',
    });
    expect(config).toMatchObject({
      KAFKA_SSL: true,
      KAFKA_SSL_CA_FILE: ca,
      KAFKA_SSL_REJECT_UNAUTHORIZED: false,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'homestore',
      KAFKA_SASL_PASSWORD: '12345',
    });
  });

  it('reads "false" as false, and refuses what is neither true nor false', () => {
    expect(loadConfig('demo', KafkaConfig, { KAFKA_SSL: 'false' }).KAFKA_SSL).toBe(false);
    expect(problemsOf({ KAFKA_SSL: 'yes' })).toEqual(['KAFKA_SSL (got "yes"): KAFKA_SSL must be true or false']);
  });

  it('refuses a mechanism without its username and password, and hides the password', () => {
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'plain' })).toEqual([
      'KAFKA_SASL_USERNAME (not set): KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_PASSWORD (not set): KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM',
    ]);
    expect(problemsOf({ KAFKA_SASL_USERNAME: 'homestore', KAFKA_SASL_PASSWORD: 'hunter2' })).toEqual([
      'KAFKA_SASL_MECHANISM (not set): KAFKA_SASL_MECHANISM is required with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (one of plain, scram-sha-256, scram-sha-512)',
    ]);
    const wrong = problemsOf({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'homestore', KAFKA_SASL_PASSWORD: 'hunter2' });
    expect(wrong).toEqual(['KAFKA_SASL_MECHANISM (got "gssapi"): KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512']);
  });

  it('refuses a client certificate without its key, and a key without its certificate', () => {
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: pem('client.pem') })).toEqual([
      'KAFKA_SSL_KEY_FILE (not set): KAFKA_SSL_KEY_FILE is required with KAFKA_SSL_CERT_FILE: a client certificate and its key go together',
    ]);
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: pem('client.key') })).toEqual([
      'KAFKA_SSL_CERT_FILE (not set): KAFKA_SSL_CERT_FILE is required with KAFKA_SSL_KEY_FILE: a client certificate and its key go together',
    ]);
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: pem('client.pem'), KAFKA_SSL_KEY_FILE: pem('client.key') })).toEqual([]);
  });

  it('refuses a PEM file that is not there, and PEM files while KAFKA_SSL is off', () => {
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nowhere/ca.pem' })).toEqual([
      'KAFKA_SSL_CA_FILE (got "/nowhere/ca.pem"): KAFKA_SSL_CA_FILE must name a file this process can read',
    ]);
    expect(problemsOf({ KAFKA_SSL_CA_FILE: pem('ca.pem') })).toEqual([
      'KAFKA_SSL (not set): KAFKA_SSL must be true when KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE is set',
    ]);
  });
});
