import 'reflect-metadata';
import { DynamicModule, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, loadConfig, ServiceConfig } from './config';
import { HttpErrorFilter, requestValidationPipe } from './http-errors';
import { createServiceLogger } from './logging';
import { startTracing } from './tracing';

/**
 * Starts one service: validates its config (a clear message and exit code 1 when it is wrong, written as plain text:
 * there is no logger yet), makes its logger (JSON lines, or readable ones with LOG_FORMAT=pretty), builds the
 * app module from it, initialises it, lets `beforeListen` connect what else it runs (an app that handles events
 * connects its Kafka transport there), listens on PORT and shuts down gracefully on SIGTERM/SIGINT. When
 * OTEL_EXPORTER_OTLP_ENDPOINT is set its spans are exported there, the last ones when it shuts down.
 */
export async function runService<C extends ServiceConfig>(
  service: string,
  configClass: new () => C,
  appModule: (config: C) => DynamicModule,
  beforeListen?: (app: NestExpressApplication) => Promise<void>,
): Promise<void> {
  let config: C;
  try {
    config = loadConfig(service, configClass);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  // The logger behind every `new Logger(context)`, Nest's own lines and kafkajs': set before the app module is built,
  // so that nothing is written any other way.
  const serviceLogger = createServiceLogger(service, config);
  Logger.overrideLogger(serviceLogger);
  const logger = new Logger(service);
  const tracing = startTracing(service);
  // Shut down after every other provider stopped (the relay's last batch is traced too), so its spans are exported.
  const tracingShutdown = { onApplicationShutdown: () => tracing?.shutdown() };
  try {
    const module = appModule(config);
    const withTracing: DynamicModule = { ...module, providers: [...(module.providers ?? []), { provide: 'TRACING_SHUTDOWN', useValue: tracingShutdown }] };
    const app = await NestFactory.create<NestExpressApplication>(withTracing, { logger: serviceLogger });
    configureHttp(app);
    app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
    // Initialised first (database migrated, producer and relay started), so that consumers start on a ready app.
    await app.init();
    await beforeListen?.(app);
    await app.listen(config.PORT, '0.0.0.0');
    logger.log(`${service} listening on http://127.0.0.1:${config.PORT}`);
  } catch (e) {
    logger.error(`${service} failed to start: ${(e as Error).message ?? e}`, (e as Error).stack);
    process.exit(1);
  }
}

/** The HTTP conventions of every app: 64 KiB JSON bodies, validated DTOs, one error format. */
export function configureHttp(app: NestExpressApplication): void {
  app.useBodyParser('json', { limit: '64kb' });
  app.useGlobalPipes(requestValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  // An idle keep-alive connection is closed by its client first (the gateway's pool after 30 s), never under a request
  // the client is sending on it: Node's 5 s default races with pooled clients and ends in ECONNRESET.
  const server = app.getHttpServer() as import('node:http').Server;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}
