import { Gauge, Registry } from 'prom-client';
import type { HealthRegistry } from './health';

/**
 * `homestore_ready{check}`: each readiness check of the app (database, producer, relay, consumer groups...), run when
 * Prometheus scrapes, 1 when it passes and 0 when it fails. `up` says the process answers; this says what it cannot
 * do, check by check, the same answer /health/ready gives the orchestrator.
 */
export function readinessGauge(registry: Registry, health: HealthRegistry): Gauge<'check'> {
  return new Gauge({
    name: 'homestore_ready',
    help: 'Readiness checks of the app, by check: 1 passes, 0 fails (what /health/ready answers)',
    labelNames: ['check'],
    registers: [registry],
    async collect() {
      const { checks } = await health.readiness();
      this.reset();
      for (const [check, result] of Object.entries(checks)) this.set({ check }, result.status === 'up' ? 1 : 0);
    },
  });
}
