import { Controller, Get, Header, HttpStatus, Injectable, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Registry } from 'prom-client';

/** A readiness check: resolves when healthy, throws (with why) when not. */
export interface HealthCheck {
  name: string;
  check: () => Promise<void> | void;
}

export interface ReadinessReport {
  status: 'ok' | 'error';
  checks: Record<string, { status: 'up' | 'down'; error?: string }>;
}

const CHECK_TIMEOUT_MS = 2000;

/** Where modules register what readiness depends on (database, Kafka producer, consumer groups...). */
@Injectable()
export class HealthRegistry {
  private readonly checks: HealthCheck[] = [];

  register(check: HealthCheck): void {
    this.checks.push(check);
  }

  async readiness(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.checks.map(async ({ name, check }) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS))),
          ]);
          return [name, { status: 'up' as const }] as const;
        } catch (e) {
          return [name, { status: 'down' as const, error: (e as Error).message }] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks = Object.fromEntries(results);
    return { status: results.every(([, r]) => r.status === 'up') ? 'ok' : 'error', checks };
  }
}

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthRegistry,
    private readonly registry: Registry,
  ) {}

  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessReport> {
    const report = await this.health.readiness();
    res.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
