import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '@homestore/platform';
import type { IncomingMessage } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CircuitBreaker, CircuitState } from './circuit-breaker';
import { Forwarder, UpstreamRequest, UpstreamTimeout, UpstreamUnreachable } from './forwarder';
import { GatewayConfig, urlsOf } from './gateway.config';
import { upstreamTimeout, upstreamUnavailable } from './gateway-errors';
import { Upstream, UPSTREAMS } from './routes';

/** Answers that mean the service itself is in trouble (as opposed to a request it refused). */
const FAILURE_STATUSES = new Set([502, 503, 504]);

const STATE_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

interface Target {
  name: Upstream;
  /** Where the service answers: usually one URL (a Kubernetes Service), or each of its processes. */
  urls: URL[];
  /** The next request goes to urls[next % urls.length]. */
  next: number;
  breaker: CircuitBreaker;
}

/**
 * The services behind the gateway: one circuit breaker and one readiness check each, and one URL or several. Several
 * (a comma-separated `<NAME>_URL`: processes with no load balancer in front, as the shop benchmark runs the order
 * service) are called in turn, a refused connection going on to the next; they share the service's breaker, and the
 * service is ready while one of them is.
 */
@Injectable()
export class Upstreams implements OnModuleInit, OnApplicationShutdown {
  private readonly forwarder = new Forwarder();
  private readonly targets: Record<Upstream, Target>;
  private readonly requests: Counter<'upstream' | 'status'>;
  private readonly latency: Histogram<'upstream'>;

  constructor(
    private readonly config: GatewayConfig,
    private readonly health: HealthRegistry,
    registry: Registry,
  ) {
    this.requests = new Counter({
      name: 'homestore_gateway_upstream_requests_total',
      help: 'Requests forwarded per upstream, by the status the client got (503/504 when the gateway answered instead)',
      labelNames: ['upstream', 'status'],
      registers: [registry],
    });
    this.latency = new Histogram({
      name: 'homestore_gateway_upstream_duration_seconds',
      help: 'Time from forwarding a request to the upstream answer headers',
      labelNames: ['upstream'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    const circuit = new Gauge({
      name: 'homestore_gateway_circuit_state',
      help: 'Circuit breaker per upstream: 0 closed, 1 half-open, 2 open',
      labelNames: ['upstream'],
      registers: [registry],
    });
    const urls: Record<Upstream, string> = {
      user: config.USER_URL,
      order: config.ORDER_URL,
      payment: config.PAYMENT_URL,
      ordermanagement: config.ORDERMANAGEMENT_URL,
      delivery: config.DELIVERY_URL,
      message: config.MESSAGE_URL,
      mileage: config.MILEAGE_URL,
    };
    this.targets = Object.fromEntries(
      UPSTREAMS.map((name) => {
        circuit.set({ upstream: name }, 0);
        const breaker = new CircuitBreaker({
          failureThreshold: config.BREAKER_FAILURE_THRESHOLD,
          cooldownMs: config.BREAKER_COOLDOWN_MS,
          onStateChange: (state) => circuit.set({ upstream: name }, STATE_VALUE[state]),
        });
        return [name, { name, urls: urlsOf(urls[name]).map((u) => new URL(u)), next: 0, breaker }];
      }),
    ) as Record<Upstream, Target>;
  }

  /** Readiness is the upstreams' readiness: the gateway can serve only what they can. */
  onModuleInit(): void {
    for (const { name, urls } of Object.values(this.targets)) {
      this.health.register({
        name,
        check: () =>
          Promise.any(urls.map((url) => this.ready(url))).catch((e: AggregateError) => {
            throw new Error(e.errors.map((reason: Error) => reason.message).join('; '));
          }),
      });
    }
  }

  private async ready(url: URL): Promise<void> {
    const ready = new URL('health/ready', withSlash(url));
    const res = await fetch(ready, { signal: AbortSignal.timeout(this.config.READINESS_TIMEOUT_MS) }).catch((e: Error & { cause?: { code?: string } }) => {
      throw new Error(`${ready.href}: ${e.cause?.code ?? e.message}`);
    });
    await res.body?.cancel();
    if (res.status !== 200) throw new Error(`${ready.href} answered ${res.status}`);
  }

  onApplicationShutdown(): void {
    this.forwarder.close();
  }

  /**
   * Forwards a request through the upstream's breaker. Throws 503 `UPSTREAM.UNAVAILABLE` (with Retry-After) when
   * the circuit is open or the service cannot be reached, 504 `UPSTREAM.TIMEOUT` when it does not answer in time.
   */
  async send(upstream: Upstream, request: UpstreamRequest): Promise<IncomingMessage> {
    const target = this.targets[upstream];
    const { breaker } = target;
    const permit = breaker.tryAcquire();
    if (!permit.allowed) {
      this.requests.inc({ upstream, status: 503 });
      throw upstreamUnavailable(upstream, 'circuit open', permit.retryAfterMs);
    }
    const stopTimer = this.latency.startTimer({ upstream });
    try {
      const res = await this.forward(target, request);
      stopTimer();
      breaker.record(permit, !FAILURE_STATUSES.has(res.statusCode!));
      this.requests.inc({ upstream, status: res.statusCode });
      return res;
    } catch (e) {
      breaker.record(permit, false);
      const timedOut = e instanceof UpstreamTimeout;
      this.requests.inc({ upstream, status: timedOut ? 504 : 503 });
      if (timedOut) throw upstreamTimeout(upstream, this.config.UPSTREAM_TIMEOUT_MS);
      // Try again once the circuit would let a trial through, or in a second while it is still closed.
      const retryAfterMs = breaker.state === 'closed' ? 1000 : this.config.BREAKER_COOLDOWN_MS;
      throw upstreamUnavailable(upstream, (e as Error).message, retryAfterMs);
    }
  }

  /**
   * Sends to the target's next URL. A refused connection (nothing was sent: a process of several that is down) goes on
   * to the one after, each URL once.
   */
  private async forward(target: Target, request: UpstreamRequest): Promise<IncomingMessage> {
    for (let tried = 1; ; tried++) {
      const url = target.urls[target.next++ % target.urls.length];
      try {
        return await this.forwarder.send(url, request, this.config.UPSTREAM_TIMEOUT_MS);
      } catch (e) {
        if (!(e instanceof UpstreamUnreachable && e.refused) || tried >= target.urls.length) throw e;
      }
    }
  }

  /** The state of an upstream's circuit (tests, diagnostics). */
  circuit(upstream: Upstream): CircuitState {
    return this.targets[upstream].breaker.state;
  }
}

function withSlash(url: URL): URL {
  return url.pathname.endsWith('/') ? url : new URL(`${url.href}/`);
}
