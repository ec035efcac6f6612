/** @jest-config-loader-options {"transpileOnly": true} */
import type { Config } from 'jest';

const swc = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        keepClassNames: true,
      },
      module: { type: 'commonjs' },
    },
  ],
};

// @platformatic/kafka ships ES modules only, which Jest (before Node 24.9) cannot require: compiled like our own code.
// (Node 20 itself requires them, as the apps do.)
const esm = { '^.+\\.js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }] };

const moduleNameMapper = {
  '^@homestore/(auth|domain|events|messaging|persistence|platform|testing)$': '<rootDir>/libs/$1/src',
  '^@homestore/(auth|domain|events|messaging|persistence|platform|testing)/(.*)$': '<rootDir>/libs/$1/src/$2',
};

const common = {
  rootDir: __dirname,
  transform: { ...swc, ...esm },
  transformIgnorePatterns: ['/node_modules/(?!@platformatic/)'],
  moduleNameMapper,
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/scripts/jest/quiet-logs.ts'],
};

const config: Config = {
  // Integration tests start real consumers and child processes; nothing here asserts on time.
  testTimeout: 90_000,
  // Every suite closes what it opens, yet since the shop's suites arrived the runner's main process keeps a handle
  // after the last test (not found yet: try --detectOpenHandles). A runner that never exits would hang CI.
  forceExit: true,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/deploy/**/*.spec.ts', '<rootDir>/docs/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/scripts/jest/global-setup.ts',
    },
    {
      // Every app as its own process: run by `npm test` after the other projects, never beside them (see scripts/homestore.mjs).
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/scripts/jest/global-setup.ts',
    },
  ],
};

export default config;
