import {
  BeforeApplicationShutdown,
  DynamicModule,
  Global,
  Inject,
  Logger,
  MiddlewareConsumer,
  Module,
  NestModule,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { Kafka, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { HealthRegistry, SERVICE_NAME, ServiceConfig } from '@homestore/platform';
import { EventConsumer, EventHandlerRegistration, RunHandler } from '../consumer/event-consumer';
import { consumerGroup } from '../consumer/group-name';
import { createKafka, createProducer } from '../kafka';
import { MessagingMetrics } from '../metrics';
import { Outbox } from '../outbox/outbox';
import { DEFAULT_RELAY_OPTIONS, OutboxRelay } from '../outbox/outbox-relay';
import { ON_EVENT, ON_EVENT_RUN, OnEventMetadata, OnEventRunMetadata } from './on-event.decorator';
import { requestContext } from './request-context.middleware';

export const KAFKA = Symbol('KAFKA');
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');

/**
 * Wires the outbox, its relay and one consumer per group into a service. Handlers are found by @OnEvent;
 * the service only injects Outbox to raise events.
 */
@Global()
@Module({})
export class MessagingModule implements NestModule, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessagingModule.name);
  private consumers: EventConsumer[] = [];
  private producerConnected = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly config: ServiceConfig,
    private readonly relay: OutboxRelay,
    private readonly metrics: MessagingMetrics,
    private readonly dataSource: DataSource,
    private readonly health: HealthRegistry,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {
    producer.on(producer.events.CONNECT, () => (this.producerConnected = true));
    producer.on(producer.events.DISCONNECT, () => (this.producerConnected = false));
  }

  static forRoot(): DynamicModule {
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
    ];
    return { module: MessagingModule, imports: [DiscoveryModule], providers, exports: [Outbox, KAFKA, KAFKA_PRODUCER, MessagingMetrics] };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestContext).forRoutes('*');
  }

  async onApplicationBootstrap(): Promise<void> {
    this.health.register({ name: 'kafka-producer', check: () => this.assert(this.producerConnected, 'producer is not connected') });
    this.health.register({ name: 'outbox-relay', check: () => this.assert(!this.relay.error, `relay cannot publish: ${this.relay.error}`) });
    await this.producer.connect();
    await this.relay.start();
    const { handlers: byGroup, runHandlers } = this.discoverHandlers();
    for (const group of runHandlers.keys()) {
      if (!byGroup.has(group)) throw new Error(`@OnEventRun for group ${group}, which has no @OnEvent handlers`);
    }
    for (const [group, handlers] of byGroup) {
      const consumer = new EventConsumer({
        kafka: this.kafka,
        dataSource: this.dataSource,
        producer: this.producer,
        metrics: this.metrics,
        group,
        handlers,
        runHandler: runHandlers.get(group),
        partitionsConsumedConcurrently: this.config.CONSUMER_CONCURRENCY,
        fetchMinBytes: this.config.CONSUMER_FETCH_MIN_BYTES,
        fetchMaxWaitMs: this.config.CONSUMER_FETCH_MAX_WAIT_MS,
        fetchLingerMs: this.config.CONSUMER_FETCH_LINGER_MS,
        commitIntervalMs: this.config.CONSUMER_COMMIT_INTERVAL_MS,
        retry: {
          maxAttempts: this.config.CONSUMER_MAX_ATTEMPTS,
          initialDelayMs: this.config.CONSUMER_RETRY_INITIAL_MS,
          maxDelayMs: this.config.CONSUMER_RETRY_MAX_MS,
          multiplier: 2,
        },
      });
      this.health.register({
        name: `consumer-group:${group}`,
        check: () => this.assert(consumer.ready, `consumer is ${consumer.state}${consumer.lastCrash ? `: ${consumer.lastCrash}` : ''}`),
      });
      await consumer.start();
      this.consumers.push(consumer);
      this.logger.log(`consumer group ${group} on ${consumer.topics.join(', ')} (${handlers.map((h) => h.definition.type).join(', ')})`);
    }
  }

  /** Consumers drain and commit first, then the relay publishes what is committed, then the producer leaves. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    await this.relay.stop();
    await this.producer.disconnect();
  }

  private discoverHandlers() {
    const handlers = new Map<string, EventHandlerRegistration[]>();
    const runHandlers = new Map<string, RunHandler>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const fn = instance[method] as (...args: never[]) => Promise<void>;
        const meta: OnEventMetadata | undefined = Reflect.getMetadata(ON_EVENT, fn);
        if (meta) {
          const group = consumerGroup(this.config, meta.group ?? this.service);
          handlers.set(group, [...(handlers.get(group) ?? []), { definition: meta.definition, handle: fn.bind(instance) as EventHandlerRegistration['handle'] }]);
        }
        const run: OnEventRunMetadata | undefined = Reflect.getMetadata(ON_EVENT_RUN, fn);
        if (run) {
          const group = consumerGroup(this.config, run.group ?? this.service);
          if (runHandlers.has(group)) throw new Error(`two @OnEventRun handlers for group ${group}`);
          runHandlers.set(group, fn.bind(instance) as RunHandler);
        }
      }
    }
    return { handlers, runHandlers };
  }

  private assert(ok: boolean, why: string): void {
    if (!ok) throw new Error(why);
  }
}
