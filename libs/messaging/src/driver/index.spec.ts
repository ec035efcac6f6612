import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');

/**
 * The modules a process has loaded once it made the driver KAFKA_CLIENT names (in a process of its own: jest's module
 * registry is not Node's). Making a driver connects to nothing.
 */
function modulesLoadedWith(client: string): string[] {
  const script = [
    `const { driverFromEnv } = require('./libs/messaging/src/driver');`,
    `driverFromEnv('spec', { KAFKA_CLIENT: ${JSON.stringify(client)}, KAFKA_BROKERS: '127.0.0.1:1' });`,
    `process.stdout.write(JSON.stringify(Object.keys(require.cache)));`,
  ].join('\n');
  const run = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`the driver could not be made:\n${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

describe('KAFKA_CLIENT loads only the client it names', () => {
  it('platformatic (the default): neither kafkajs nor its patch of a private module is loaded', () => {
    const loaded = modulesLoadedWith('platformatic');
    expect(loaded.some((f) => f.includes('node_modules/@platformatic/kafka/'))).toBe(true);
    expect(loaded.filter((f) => /node_modules\/kafkajs\/|kafkajs-idle-fix/.test(f))).toEqual([]);
  });

  it('kafkajs: kafkajs and its patch are loaded, @platformatic/kafka is not', () => {
    const loaded = modulesLoadedWith('kafkajs');
    expect(loaded.some((f) => f.includes('kafkajs-idle-fix'))).toBe(true);
    expect(loaded.filter((f) => f.includes('@platformatic/kafka'))).toEqual([]);
  });
});
