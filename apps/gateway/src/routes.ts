/** The services behind the gateway; each has its own URL in GatewayConfig (`<NAME>_URL`). */
export const UPSTREAMS = ['user', 'order', 'payment', 'ordermanagement', 'delivery', 'message', 'mileage'] as const;
export type Upstream = (typeof UPSTREAMS)[number];

/**
 * Who may pass the gateway: `public` anyone; `user` any valid access token; `store` a valid token with the
 * store role. Finer rules (customer-only, ownership) are the services' own: they verify the token again.
 */
export type Access = 'public' | 'user' | 'store';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Route {
  method: Method;
  /** Literal segments and `:name` parameters, e.g. `/orders/:id/cancel`. */
  path: string;
  upstream: Upstream;
  access: Access;
}

/** Every path of the public HTTP API (DESIGN.md, "HTTP API") and the service that answers it. */
export const ROUTES: readonly Route[] = [
  { method: 'POST', path: '/auth/signup', upstream: 'user', access: 'public' },
  { method: 'POST', path: '/auth/login', upstream: 'user', access: 'public' },
  { method: 'GET', path: '/.well-known/jwks.json', upstream: 'user', access: 'public' },
  { method: 'GET', path: '/users/me', upstream: 'user', access: 'user' },
  { method: 'PATCH', path: '/users/me', upstream: 'user', access: 'user' },

  { method: 'GET', path: '/products', upstream: 'ordermanagement', access: 'public' },
  { method: 'GET', path: '/products/:id', upstream: 'ordermanagement', access: 'public' },
  { method: 'POST', path: '/products', upstream: 'ordermanagement', access: 'store' },
  { method: 'PATCH', path: '/products/:id', upstream: 'ordermanagement', access: 'store' },
  { method: 'GET', path: '/store/orders', upstream: 'ordermanagement', access: 'store' },
  { method: 'POST', path: '/store/orders/:orderId/accept', upstream: 'ordermanagement', access: 'store' },

  { method: 'POST', path: '/orders', upstream: 'order', access: 'user' },
  { method: 'GET', path: '/orders', upstream: 'order', access: 'user' },
  { method: 'GET', path: '/orders/:id', upstream: 'order', access: 'user' },
  { method: 'POST', path: '/orders/:id/cancel', upstream: 'order', access: 'user' },
  { method: 'GET', path: '/mypage', upstream: 'order', access: 'user' },
  { method: 'GET', path: '/mypage/orders/:id', upstream: 'order', access: 'user' },
  { method: 'GET', path: '/cart', upstream: 'order', access: 'user' },
  { method: 'DELETE', path: '/cart', upstream: 'order', access: 'user' },
  { method: 'PUT', path: '/cart/items/:productId', upstream: 'order', access: 'user' },
  { method: 'DELETE', path: '/cart/items/:productId', upstream: 'order', access: 'user' },
  { method: 'POST', path: '/cart/checkout', upstream: 'order', access: 'user' },

  { method: 'GET', path: '/payments/:orderId', upstream: 'payment', access: 'user' },

  { method: 'GET', path: '/deliveries/:orderId', upstream: 'delivery', access: 'user' },
  { method: 'POST', path: '/deliveries/:orderId/complete', upstream: 'delivery', access: 'store' },

  { method: 'GET', path: '/messages', upstream: 'message', access: 'user' },

  { method: 'GET', path: '/mileage', upstream: 'mileage', access: 'user' },
];

export type RouteMatch = { route: Route } | { allowed: Method[] } | undefined;

/** A compiled route table: finds the route of a method and path, or the methods a known path allows. */
export class RouteTable {
  private readonly compiled: { route: Route; segments: string[] }[];

  constructor(routes: readonly Route[] = ROUTES) {
    this.compiled = routes.map((route) => ({ route, segments: route.path.split('/').slice(1) }));
  }

  /** `path` without the query; HEAD is answered as GET. A known path with another method gives `{ allowed }` (405). */
  match(method: string, path: string): RouteMatch {
    const segments = (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path).split('/').slice(1);
    // `.` and `..` (also percent-encoded) would mean another path to whatever normalises it further on.
    if (segments.some((s) => /^(\.|%2e){1,2}$/i.test(s))) return undefined;
    const wanted = method === 'HEAD' ? 'GET' : method;
    const allowed: Method[] = [];
    for (const { route, segments: pattern } of this.compiled) {
      if (pattern.length !== segments.length) continue;
      if (!pattern.every((p, i) => (p.startsWith(':') ? segments[i].length > 0 : p === segments[i]))) continue;
      if (route.method === wanted) return { route };
      allowed.push(route.method);
    }
    return allowed.length ? { allowed } : undefined;
  }
}
