import { DynamicModule, Global, Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { ServiceConfig } from './config';
import { HealthController, HealthRegistry } from './health';

/** The service's name, e.g. 'order'; also its default consumer group. */
export const SERVICE_NAME = 'SERVICE_NAME';

/** What every app has: its validated config, health endpoints and a Prometheus registry. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(service: string, config: ServiceConfig): DynamicModule {
    const registry = new Registry();
    registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: registry });
    const providers = [
      { provide: SERVICE_NAME, useValue: service },
      { provide: ServiceConfig, useValue: config },
      { provide: config.constructor, useValue: config },
      { provide: Registry, useValue: registry },
      HealthRegistry,
    ];
    return {
      module: PlatformModule,
      controllers: [HealthController],
      providers,
      exports: providers.map((p) => ('provide' in p ? p.provide : p)),
    };
  }
}
