import type { NextFunction, Request, Response } from 'express';
import { Histogram, Registry } from 'prom-client';

/** The platform's own routes (probes, scrapes): not the service's traffic, so neither timed nor traced. */
export const OWN_ROUTES = /^\/(health\/|metrics$)/;

/** The route label of a request no route took (a 404): one value, whatever URL was asked. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route label of a request Express routed: its pattern (`/orders/:id`), never the URL asked, so that ids do not
 * make a series each; UNMATCHED_ROUTE when no route took it. Read when the response ends: Express sets `req.route`
 * once it has matched one.
 */
export function routeOf(req: Pick<Request, 'route'>): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : UNMATCHED_ROUTE;
}

/**
 * `homestore_http_request_duration_seconds{method,route,status}`: how long each HTTP request took, from its arrival to
 * the end of its response, by route pattern; PlatformModule times every request of every app with `middleware`.
 */
export class HttpMetrics {
  readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.requestSeconds = new Histogram({
      name: 'homestore_http_request_duration_seconds',
      help: 'HTTP requests answered, by method, route pattern (never the raw URL; "unmatched" for a 404) and status, from arrival to the end of the response',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** Express middleware: times the request; labels it once the response has ended (or its client went away). */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    res.once('close', () => {
      const route = routeOf(req);
      if (!OWN_ROUTES.test(route)) this.observe(req.method, route, res.statusCode, (performance.now() - started) / 1000);
    });
    next();
  };

  /** One answered request, for code that routes requests without Express (an HTTP edge), with its own route pattern. */
  observe(method: string, route: string, status: number, seconds: number): void {
    this.requestSeconds.observe({ method, route, status: String(status) }, seconds);
  }
}
