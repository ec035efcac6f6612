#!/usr/bin/env node
/**
 * The last step of `npm run build`: each app's compiled entry (dist/apps/<app>/src/main.js, from tsc) and everything
 * it requires, bundled by esbuild into one file, dist/apps/<app>/main.js, which is what npm start, the tests' shop and
 * the images run.
 *
 * Why: a process's start is mostly Node finding, reading and compiling some 2,500 modules one by one. On two cores a
 * killed app is back sooner when it reads one file (docs/benchmarks.md, "cheaper starts"). tsc still compiles every file
 * (decorator metadata included, which esbuild does not emit), so the bundle changes no behaviour; the unbundled
 * dist/apps/<app>/src/main.js still runs, for debugging against the compiled sources.
 *
 * BUNDLE_READABLE=1 keeps the bundle's line breaks and esbuild's `// <module path>` comments, so that a CPU profile
 * (BENCH_CPU_PROF) says which module each sample's line is in; the default squeezes each bundle onto a few lines.
 *
 * Left out of the bundle, and required from node_modules at run time:
 *  - packages that load files of their own by path: @platformatic/kafka (an ES module that finds its WebAssembly
 *    beside itself), argon2 (a native addon), swagger-ui-dist (the gateway serves its files);
 *  - the optional peers of @nestjs/microservices and @nestjs/core that Homestore does not install (other transports,
 *    websockets): Nest requires them only when they are used.
 */
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');

const EXTERNAL = [
  '@platformatic/kafka',
  'argon2',
  'swagger-ui-dist',
  '@nestjs/websockets',
  '@grpc/*',
  'nats',
  'mqtt',
  'ioredis',
  'amqplib',
  'amqp-connection-manager',
];

const apps = readdirSync(join(ROOT, 'apps'));
const started = Date.now();
try {
  await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(apps.map((app) => [`${app}/main`, join('dist', 'apps', app, 'src', 'main.js')])),
    outdir: join('dist', 'apps'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: EXTERNAL,
    minifyWhitespace: !process.env.BUNDLE_READABLE,
    logLevel: 'warning',
  });
} catch (error) {
  process.stderr.write(`bundling the apps failed: ${error.message}\n`);
  process.exit(1);
}
process.stdout.write(`bundled ${apps.length} apps into dist/apps/<app>/main.js in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
