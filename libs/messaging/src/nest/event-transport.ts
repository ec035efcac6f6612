import { ArgumentsHost, Catch, Logger, RpcExceptionFilter, UseFilters } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import type { KafkaDriver, KafkaProducer } from '../driver/port';
import { isObservable, lastValueFrom, Observable, throwError } from 'rxjs';
import type { DataSource } from 'typeorm';
import { ALL_EVENTS, EventDefinition } from '@homestore/events';
import { HealthRegistry, ServiceConfig } from '@homestore/platform';
import type { EventContext, EventHandlerRegistration } from '../consumer/event-context';
import { EventConsumer } from '../consumer/event-consumer';
import { consumerGroup } from '../consumer/group-name';
import { ConsumerLagSampler } from '../consumer-lag-sampler';
import type { MessagingMetrics } from '../metrics';

/** What an `@EventPattern` names: one event of the contract, handled in one consumer group. */
export interface EventPatternOf {
  group: string;
  event: string;
}

/**
 * Hands whatever an event handler throws on unchanged. Nest's RPC exception layer would answer any error but an
 * RpcException with `{ status: 'error', message: 'Internal server error' }`; the consumer's retry and dead-letter
 * policy needs the error itself (a PermanentError goes straight to the dead letters, its message is the reason).
 */
@Catch()
export class HandlerErrorsToConsumer implements RpcExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

export interface EventTransportDependencies {
  driver: KafkaDriver;
  producer: KafkaProducer;
  dataSource: DataSource;
  metrics: MessagingMetrics;
  config: ServiceConfig;
  health: HealthRegistry;
  discovery: DiscoveryService;
  scanner: MetadataScanner;
  /** The events a pattern may name (default: every event of libs/events). */
  contract?: readonly EventDefinition[];
}

/**
 * The consumer side of Homestore's messaging as a Nest transport: `app.connectMicroservice({ strategy })`, and each
 * `@EventPattern({ group, event })` method of a controller handles one event type in one consumer group. Every group
 * becomes an EventConsumer (inbox, retries, dead letters, offsets committed after the handler's transaction) when
 * Nest starts the microservice; `@Payload()` is the decoded event, `@Ctx()` its EventContext (the unit of work).
 * Events go out through the Outbox only: this transport never sends.
 */
export class EventTransport extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(EventTransport.name);
  private consumers: EventConsumer[] = [];
  /** Every group's lag, read from the broker on a timer: it keeps growing while a group is stopped or stalled. */
  private readonly lag: ConsumerLagSampler;
  private stopped?: Promise<void>;

  constructor(private readonly deps: EventTransportDependencies) {
    super();
    this.lag = new ConsumerLagSampler(deps.driver, deps.metrics, deps.config.CONSUMER_LAG_SAMPLE_MS);
    this.passHandlerErrorsOn();
  }

  /** Starts a consumer per group of the handlers Nest registered; `callback` once they run (or with what failed). */
  listen(callback: (error?: unknown) => void): void {
    this.start().then(() => callback(), callback);
  }

  /** Each group stops fetching, finishes and commits what it has in hand, and leaves. Safe to call again. */
  close(): Promise<void> {
    this.stopped ??= Promise.all([...this.consumers.map((c) => c.stop()), this.lag.stop()]).then(() => undefined);
    return this.stopped;
  }

  on(): never {
    throw new Error('EventTransport has no events to listen to: see /health/ready and /metrics');
  }

  unwrap<T>(): T {
    return this.consumers as T;
  }

  private async start(): Promise<void> {
    const { config, health } = this.deps;
    for (const [name, handlers] of this.handlersByGroup()) {
      const group = consumerGroup(config, name);
      const consumer = new EventConsumer({
        ...this.deps,
        group,
        handlers,
        contract: this.deps.contract,
        partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
        fetchMinBytes: config.CONSUMER_FETCH_MIN_BYTES,
        fetchMaxWaitMs: config.CONSUMER_FETCH_MAX_WAIT_MS,
        fetchLingerMs: config.CONSUMER_FETCH_LINGER_MS,
        commitIntervalMs: config.CONSUMER_COMMIT_INTERVAL_MS,
        sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
        instanceId: config.CONSUMER_INSTANCE_ID,
        rebalanceTimeoutMs: config.CONSUMER_REBALANCE_TIMEOUT_MS,
        retry: { maxAttempts: config.CONSUMER_MAX_ATTEMPTS, initialDelayMs: config.CONSUMER_RETRY_INITIAL_MS, maxDelayMs: config.CONSUMER_RETRY_MAX_MS, multiplier: 2 },
      });
      health.register({
        name: `consumer-group:${group}`,
        check: () => {
          if (!consumer.ready) throw new Error(`consumer is ${consumer.state}${consumer.lastCrash ? `: ${consumer.lastCrash}` : ''}`);
        },
      });
      this.consumers.push(consumer);
      this.lag.watch(group, consumer.topics);
      await consumer.start();
      this.logger.log(`consumer group ${group} on ${consumer.topics.join(', ')} (${handlers.map((h) => h.definition.type).join(', ')})`);
    }
    this.lag.start();
  }

  /** The handlers Nest registered with this transport, by consumer group; throws on a pattern that is not one of ours. */
  private handlersByGroup(): Map<string, EventHandlerRegistration[]> {
    const byGroup = new Map<string, EventHandlerRegistration[]>();
    for (const [route, handler] of this.getHandlers()) {
      const { group, definition } = this.patternOf(route, handler);
      byGroup.set(group, [...(byGroup.get(group) ?? []), { definition, handle: (event, context) => invoke(handler, event, context) }]);
    }
    return byGroup;
  }

  private patternOf(route: string, handler: MessageHandler): { group: string; definition: EventDefinition } {
    let pattern: Partial<EventPatternOf> = {};
    try {
      pattern = JSON.parse(route) as Partial<EventPatternOf>;
    } catch {
      // a plain string: not one of ours
    }
    const definition = (this.deps.contract ?? ALL_EVENTS).find((d) => d.type === pattern.event);
    if (typeof pattern.group !== 'string' || !definition) {
      throw new Error(`${route}: an event handler's pattern is { group, event } with an event of libs/events, e.g. @EventPattern({ group: 'payment', event: OrderPlaced.type })`);
    }
    if (!handler.isEventHandler) throw new Error(`${route}: services talk by events, never request-reply: use @EventPattern, not @MessagePattern`);
    if (handler.next) throw new Error(`${route}: two handlers for one event in one group; give one of them a group of its own`);
    return { group: pattern.group, definition };
  }

  /**
   * Gives every event handler method the filter that hands its errors on unchanged (HandlerErrorsToConsumer). Nest
   * builds a handler's exception layer when the microservice is connected, so this is done as the transport is made.
   */
  private passHandlerErrorsOn(): void {
    const filter = new HandlerErrorsToConsumer();
    for (const wrapper of this.deps.discovery.getControllers()) {
      const prototype = (wrapper.metatype as { prototype?: object } | undefined)?.prototype;
      if (!prototype) continue;
      for (const name of this.deps.scanner.getAllMethodNames(prototype)) {
        const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
        if (descriptor && Reflect.getMetadata(PATTERN_METADATA, descriptor.value)) UseFilters(filter)(prototype, name, descriptor);
      }
    }
  }
}

/** Calls a handler Nest registered (guards, interceptors, pipes and filters included) and waits for its end. */
async function invoke(handler: MessageHandler, event: unknown, context: EventContext): Promise<void> {
  const result = await handler(event, context);
  if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
}
