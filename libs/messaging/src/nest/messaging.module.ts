import { BeforeApplicationShutdown, DynamicModule, Global, Inject, MiddlewareConsumer, Module, NestModule, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { Kafka, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import type { EventDefinition } from '@homestore/events';
import { HealthRegistry, SERVICE_NAME, ServiceConfig } from '@homestore/platform';
import { createKafka, createProducer } from '../kafka';
import { MessagingMetrics } from '../metrics';
import { Outbox } from '../outbox/outbox';
import { DEFAULT_RELAY_OPTIONS, OutboxRelay } from '../outbox/outbox-relay';
import { EventTransport } from './event-transport';
import { requestContext } from './request-context.middleware';

export const KAFKA = Symbol('KAFKA');
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');

/**
 * Wires the outbox and its relay into a service, and makes its EventTransport: the service injects Outbox to raise
 * events, and an app that handles events connects the transport in its main.ts
 * (`app.connectMicroservice({ strategy: app.get(EventTransport) })`).
 */
@Global()
@Module({})
export class MessagingModule implements NestModule, OnApplicationBootstrap, BeforeApplicationShutdown {
  private producerConnected = false;

  constructor(
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    private readonly relay: OutboxRelay,
    private readonly transport: EventTransport,
    private readonly health: HealthRegistry,
  ) {
    producer.on(producer.events.CONNECT, () => (this.producerConnected = true));
    producer.on(producer.events.DISCONNECT, () => (this.producerConnected = false));
  }

  /** `contract`: the events the service's handlers may name (default: every event of libs/events). */
  static forRoot({ contract }: { contract?: readonly EventDefinition[] } = {}): DynamicModule {
    const providers = [
      { provide: KAFKA, inject: [ServiceConfig, SERVICE_NAME], useFactory: (c: ServiceConfig, s: string) => createKafka(s, c.KAFKA_BROKERS) },
      { provide: KAFKA_PRODUCER, inject: [KAFKA], useFactory: createProducer },
      { provide: MessagingMetrics, inject: [Registry], useFactory: (r: Registry) => new MessagingMetrics(r) },
      { provide: Outbox, inject: [SERVICE_NAME], useFactory: (s: string) => new Outbox(s) },
      {
        provide: OutboxRelay,
        inject: [DataSource, KAFKA_PRODUCER, MessagingMetrics],
        useFactory: (ds: DataSource, p: Producer, m: MessagingMetrics) => new OutboxRelay(ds, p, m, DEFAULT_RELAY_OPTIONS),
      },
      {
        provide: EventTransport,
        inject: [KAFKA, KAFKA_PRODUCER, DataSource, MessagingMetrics, ServiceConfig, HealthRegistry, DiscoveryService, MetadataScanner],
        useFactory: (kafka: Kafka, producer: Producer, dataSource: DataSource, metrics: MessagingMetrics, config: ServiceConfig, health: HealthRegistry, discovery: DiscoveryService, scanner: MetadataScanner) =>
          new EventTransport({ kafka, producer, dataSource, metrics, config, health, discovery, scanner, contract }),
      },
    ];
    return { module: MessagingModule, imports: [DiscoveryModule], providers, exports: [Outbox, EventTransport, KAFKA, KAFKA_PRODUCER, MessagingMetrics] };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestContext).forRoutes('*');
  }

  async onApplicationBootstrap(): Promise<void> {
    this.health.register({ name: 'kafka-producer', check: () => this.assert(this.producerConnected, 'producer is not connected') });
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
