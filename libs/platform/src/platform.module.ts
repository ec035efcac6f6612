import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { ServiceConfig } from './config';
import { HealthController, HealthRegistry } from './health';
import { HttpMetrics } from './http-metrics';
import { readinessGauge } from './readiness-gauge';

/** The service's name, e.g. 'order'; also its default consumer group. */
export const SERVICE_NAME = 'SERVICE_NAME';

/**
 * What every app has: its validated config, health endpoints and a Prometheus registry with the process's figures,
 * its readiness checks (homestore_ready) and the duration of every HTTP request it answers, by route.
 */
@Global()
@Module({})
export class PlatformModule implements NestModule {
  constructor(private readonly http: HttpMetrics) {}

  static forRoot(service: string, config: ServiceConfig): DynamicModule {
    const registry = new Registry();
    registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: registry });
    const providers = [
      { provide: SERVICE_NAME, useValue: service },
      { provide: ServiceConfig, useValue: config },
      { provide: config.constructor, useValue: config },
      { provide: Registry, useValue: registry },
      { provide: HttpMetrics, useValue: new HttpMetrics(registry) },
      {
        provide: HealthRegistry,
        useFactory: () => {
          const health = new HealthRegistry();
          readinessGauge(registry, health);
          return health;
        },
      },
    ];
    return {
      module: PlatformModule,
      controllers: [HealthController],
      providers,
      exports: providers.map((p) => p.provide),
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.http.middleware).forRoutes('*');
  }
}
