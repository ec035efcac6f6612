import { BeforeApplicationShutdown, DynamicModule, Global, Inject, MiddlewareConsumer, Module, NestModule, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import type { EventDefinition } from '@homestore/events';
import { HealthRegistry, SERVICE_NAME, ServiceConfig } from '@homestore/platform';
import { driverOf } from '../driver';
import type { KafkaDriver, KafkaProducer } from '../driver/port';
import { MessagingMetrics } from '../metrics';
import { Outbox } from '../outbox/outbox';
import { DEFAULT_RELAY_OPTIONS, OutboxRelay } from '../outbox/outbox-relay';
import { EventTransport } from './event-transport';
import { requestContext } from './request-context.middleware';

export const KAFKA_DRIVER = Symbol('KAFKA_DRIVER');
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');

/**
 * Wires the outbox and its relay into a service, and makes its EventTransport: the service injects Outbox to raise
 * events, and an app that handles events connects the transport in its main.ts
 * (`app.connectMicroservice({ strategy: app.get(EventTransport) })`).
 */
@Global()
@Module({})
export class MessagingModule implements NestModule, OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(KAFKA_PRODUCER) private readonly producer: KafkaProducer,
    private readonly relay: OutboxRelay,
    private readonly transport: EventTransport,
    private readonly health: HealthRegistry,
  ) {}

  /** `contract`: the events the service's handlers may name (default: every event of libs/events). */
  static forRoot({ contract }: { contract?: readonly EventDefinition[] } = {}): DynamicModule {
    const providers = [
      { provide: KAFKA_DRIVER, inject: [ServiceConfig, SERVICE_NAME], useFactory: (c: ServiceConfig, s: string) => driverOf(s, c) },
      { provide: KAFKA_PRODUCER, inject: [KAFKA_DRIVER], useFactory: (driver: KafkaDriver) => driver.producer() },
      { provide: MessagingMetrics, inject: [Registry], useFactory: (r: Registry) => new MessagingMetrics(r) },
      { provide: Outbox, inject: [SERVICE_NAME], useFactory: (s: string) => new Outbox(s) },
      {
        provide: OutboxRelay,
        inject: [DataSource, KAFKA_PRODUCER, MessagingMetrics],
        useFactory: (ds: DataSource, p: KafkaProducer, m: MessagingMetrics) => new OutboxRelay(ds, p, m, DEFAULT_RELAY_OPTIONS),
      },
      {
        provide: EventTransport,
        inject: [KAFKA_DRIVER, KAFKA_PRODUCER, DataSource, MessagingMetrics, ServiceConfig, HealthRegistry, DiscoveryService, MetadataScanner],
        useFactory: (driver: KafkaDriver, producer: KafkaProducer, dataSource: DataSource, metrics: MessagingMetrics, config: ServiceConfig, health: HealthRegistry, discovery: DiscoveryService, scanner: MetadataScanner) =>
          new EventTransport({ driver, producer, dataSource, metrics, config, health, discovery, scanner, contract }),
      },
    ];
    return { module: MessagingModule, imports: [DiscoveryModule], providers, exports: [Outbox, EventTransport, KAFKA_DRIVER, KAFKA_PRODUCER, MessagingMetrics] };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestContext).forRoutes('*');
  }

  async onApplicationBootstrap(): Promise<void> {
    this.health.register({ name: 'kafka-producer', check: () => this.assert(this.producer.isConnected(), 'producer is not connected') });
    this.health.register({ name: 'outbox-relay', check: () => this.assert(!this.relay.error, `relay cannot publish: ${this.relay.error}`) });
    await this.producer.connect();
    await this.relay.start();
  }

  /** Consumers drain and commit first (they write dead letters with the producer), then the relay publishes what is committed, then the producer leaves. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.transport.close();
    await this.relay.stop();
    await this.producer.disconnect();
  }

  private assert(ok: boolean, why: string): void {
    if (!ok) throw new Error(why);
  }
}
