import type { AddressInfo } from 'node:net';
import { ConflictException, Controller, Get, HttpCode, INestApplication, Param, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig, ServiceConfig } from './config';
import { HealthRegistry } from './health';
import { HttpMetrics, routeOf, UNMATCHED_ROUTE } from './http-metrics';
import { PlatformModule } from './platform.module';

@Controller('orders')
class OrdersController {
  @Get(':id')
  one(@Param('id') id: string): { id: string } {
    return { id };
  }

  @Post(':id/cancel')
  @HttpCode(202)
  cancel(): object {
    return {};
  }

  @Get(':id/refused')
  refused(): never {
    throw new ConflictException('not now');
  }
}

describe('routeOf', () => {
  it("is the pattern of the route Express matched, or 'unmatched'", () => {
    expect(routeOf({ route: { path: '/orders/:id' } })).toBe('/orders/:id');
    expect(routeOf({ route: undefined })).toBe(UNMATCHED_ROUTE);
  });
});

describe('HTTP request duration in a Nest app of PlatformModule', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const config = loadConfig('shop', ServiceConfig, { PORT: '1' });
    const moduleRef = await Test.createTestingModule({ imports: [PlatformModule.forRoot('shop', config)], controllers: [OrdersController] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(() => app?.close());

  /** Requests counted by the histogram, as "METHOD route status" → count. */
  const counted = async (): Promise<Record<string, number>> => {
    const { values } = await app.get(HttpMetrics).requestSeconds.get();
    const counts: Record<string, number> = {};
    for (const v of values.filter((v) => v.metricName?.endsWith('_count'))) counts[`${v.labels.method} ${v.labels.route} ${v.labels.status}`] = v.value;
    return counts;
  };

  it('labels each request with its route pattern, never the ids of its URL, and leaves probes and scrapes out', async () => {
    const calls: [string, string, number][] = [
      ['GET', '/orders/a1', 200],
      ['GET', '/orders/b2?x=1', 200],
      ['POST', '/orders/c3/cancel', 202],
      ['GET', '/orders/d4/refused', 409],
      ['GET', '/nowhere/e5', 404],
      ['GET', '/health/live', 200],
      ['GET', '/metrics', 200],
    ];
    for (const [method, path, status] of calls) {
      const res = await fetch(`${base}${path}`, { method });
      await res.arrayBuffer();
      expect({ path, status: res.status }).toEqual({ path, status });
    }
    const want = { 'GET /orders/:id 200': 2, 'POST /orders/:id/cancel 202': 1, 'GET /orders/:id/refused 409': 1, [`GET ${UNMATCHED_ROUTE} 404`]: 1 };
    // Observed when the server has closed each response, which may come a moment after the client has read it.
    const deadline = Date.now() + 2000;
    while (JSON.stringify(await counted()) !== JSON.stringify(want) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await counted()).toEqual(want);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/homestore_http_request_duration_seconds_bucket\{[^}]*method="GET",route="\/orders\/:id",status="200"[^}]*\} \d/);
    expect(text).not.toMatch(/route="[^"]*(a1|b2|c3|d4|e5)/);
  });

  it('exposes each readiness check as homestore_ready, 1 up and 0 down', async () => {
    const health = app.get(HealthRegistry);
    health.register({ name: 'always', check: () => undefined });
    health.register({ name: 'never', check: () => Promise.reject(new Error('down for the test')) });
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/homestore_ready\{check="always",service="shop"\} 1/);
    expect(text).toMatch(/homestore_ready\{check="never",service="shop"\} 0/);
  });
});
