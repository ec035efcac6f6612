import { randomUUID } from 'node:crypto';
import { accessToken, App, freePort, json, launch, rawRequest, signingKey, StubUpstream, unsignedToken, waitFor } from './support';

/*
 * The gateway as its own process in front of stub upstreams (one small HTTP server per service, in this test):
 * routing, headers, tokens, body limits, timeouts, the circuit breaker, rate limits, readiness and docs.
 * The end-to-end run with the real user service is gateway-user.int-spec.ts.
 */

const NAMES = ['user', 'order', 'payment', 'ordermanagement', 'delivery', 'message', 'mileage'] as const;
type Name = (typeof NAMES)[number];

describe('gateway in front of stub upstreams', () => {
  const stubs = {} as Record<Name, StubUpstream>;
  let key: Awaited<ReturnType<typeof signingKey>>;
  let gateway: App;
  let tight: App; // a second gateway with low rate limits

  async function gatewayEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
    return {
      PORT: String(await freePort()),
      ...Object.fromEntries(NAMES.map((n) => [`${n.toUpperCase()}_URL`, stubs[n].url])),
      AUTH_JWKS_URL: `${stubs.user.url}/.well-known/jwks.json`,
      UPSTREAM_TIMEOUT_MS: '500',
      BREAKER_FAILURE_THRESHOLD: '3',
      BREAKER_COOLDOWN_MS: '2000',
      ...extra,
    };
  }

  const call = (path: string, init: RequestInit = {}, app = gateway) => fetch(app.url + path, init);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const jsonOf = async (res: Response): Promise<Record<string, any>> => (await res.json()) as Record<string, any>;

  beforeAll(async () => {
    key = await signingKey();
    for (const name of NAMES) stubs[name] = await new StubUpstream(name, await freePort()).start();
    stubs.user.handle = (req, res) => {
      if (req.url !== '/.well-known/jwks.json') return false;
      json(res, 200, { keys: [key.jwk] });
      return true;
    };
    gateway = launch('gateway', await gatewayEnv());
    tight = launch('gateway', await gatewayEnv({ RATE_LIMIT_IP: '12', RATE_LIMIT_USER: '3', RATE_LIMIT_WINDOW_MS: '60000' }));
    await Promise.all([waitFor(gateway, '/health/ready', 200), waitFor(tight, '/health/ready', 200)]);
  });

  afterAll(async () => {
    const codes = await Promise.all([gateway?.stop(), tight?.stop()]);
    await Promise.all(Object.values(stubs).map((s) => s.stop()));
    expect(codes).toEqual([0, 0]);
  });

  describe('routing', () => {
    const cases: [string, string, Name][] = [
      ['POST', '/auth/login', 'user'],
      ['GET', '/.well-known/jwks.json', 'user'],
      ['GET', '/products?category=tv&onSale=true', 'ordermanagement'],
      ['GET', '/products/p-1', 'ordermanagement'],
      ['GET', '/users/me', 'user'],
      ['GET', '/orders/o-1', 'order'],
      ['POST', '/orders/o-1/cancel', 'order'],
      ['GET', '/mypage/orders/o-1', 'order'],
      ['PUT', '/cart/items/p-1', 'order'],
      ['DELETE', '/cart/items/p-1', 'order'],
      ['POST', '/cart/checkout', 'order'],
      ['GET', '/payments/o-1', 'payment'],
      ['GET', '/deliveries/o-1', 'delivery'],
      ['GET', '/messages', 'message'],
      ['GET', '/mileage?limit=20&before=abc', 'mileage'],
    ];

    it.each(cases)('%s %s reaches the %s service with its path and query', async (method, path, name) => {
      const token = await accessToken(key);
      const body = method === 'POST' || method === 'PUT' ? JSON.stringify({ email: 'a@b.c', password: 'secret123' }) : undefined;
      const res = await call(path, { method, body, headers: { ...bearer(token), ...(body && { 'content-type': 'application/json' }) } });
      expect(res.status).toBe(200);
      if (path === '/.well-known/jwks.json') return;
      expect(await jsonOf(res)).toEqual({ upstream: name, method, url: path });
      if (body) expect(stubs[name].last().body).toBe(body);
    });

    it('answers an unknown path 404 and a known path with another method 405, in the error format', async () => {
      const res = await call('/admin/users');
      expect(res.status).toBe(404);
      expect(await jsonOf(res)).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'No route for GET /admin/users' });
      const wrong = await call('/products', { method: 'DELETE' });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('GET, POST');
      expect((await jsonOf(wrong)).code).toBe('METHOD_NOT_ALLOWED');
    });
  });

  describe('headers', () => {
    it('adds request and correlation ids and a traceparent, and returns the ids to the client', async () => {
      const res = await call('/products');
      const seen = stubs.ordermanagement.last().headers;
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(seen['x-request-id']).toBe(res.headers.get('x-request-id'));
      expect(seen['x-correlation-id']).toBe(res.headers.get('x-correlation-id'));
      expect(seen.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    });

    it("keeps the ids a client sends, and its trace: the service's traceparent names the gateway's span in it", async () => {
      const traceparent = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`;
      const res = await call('/products', { headers: { 'x-request-id': 'req-abc', 'x-correlation-id': 'flow-42', traceparent } });
      expect(res.headers.get('x-request-id')).toBe('req-abc');
      expect(res.headers.get('x-correlation-id')).toBe('flow-42');
      const seen = stubs.ordermanagement.last().headers;
      expect(seen).toMatchObject({ 'x-request-id': 'req-abc', 'x-correlation-id': 'flow-42', traceparent: expect.stringMatching(new RegExp(`^00-${'1'.repeat(32)}-[0-9a-f]{16}-01$`)) });
      expect(seen.traceparent).not.toBe(traceparent);
    });

    it("starts a trace of its own for a malformed or all-zero traceparent, and replaces a client's bad ids", async () => {
      for (const traceparent of ['junk', `00-${'0'.repeat(32)}-${'2'.repeat(16)}-01`, `ff-${'1'.repeat(32)}-${'2'.repeat(16)}-01`]) {
        const res = await call('/products', { headers: { 'x-request-id': 'a b', traceparent } });
        const seen = stubs.ordermanagement.last().headers;
        expect(seen.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
        expect(seen.traceparent!.slice(3, 35)).not.toBe(traceparent.slice(3, 35));
        expect(seen['x-request-id']).toBe(res.headers.get('x-request-id'));
        expect(seen['x-request-id']).not.toBe('a b');
      }
    });

    it('times each forwarded request by the route it matched, never by the URL asked', async () => {
      const id = randomUUID();
      expect((await call(`/products/${id}`)).status).toBe(200);
      expect((await call('/no/such/route')).status).toBe(404);
      const metrics = await (await call('/metrics')).text();
      expect(metrics).toMatch(/homestore_http_request_duration_seconds_count\{service="gateway",method="GET",route="\/products\/:id",status="200"\} [1-9]/);
      expect(metrics).toMatch(/homestore_http_request_duration_seconds_count\{service="gateway",method="GET",route="unmatched",status="404"\} [1-9]/);
      expect(metrics).not.toContain(id);
    });

    it('passes Authorization through and strips identity and hop-by-hop headers', async () => {
      const token = await accessToken(key);
      const res = await rawRequest(`${gateway.url}/orders`, {
        headers: { ...bearer(token), 'x-user-id': 'admin', 'x-user-role': 'store', 'x-forwarded-user': 'admin', 'x-auth-request-user': 'admin', connection: 'x-drop-me', 'x-drop-me': '1' },
      });
      expect(res.status).toBe(200);
      const seen = stubs.order.last().headers;
      expect(seen.authorization).toBe(`Bearer ${token}`);
      for (const h of ['x-user-id', 'x-user-role', 'x-forwarded-user', 'x-auth-request-user', 'x-drop-me']) expect(seen[h]).toBeUndefined();
      expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    });
  });

  describe('tokens', () => {
    const protectedRoute = '/orders';

    it.each([
      ['no token', async () => ({})],
      ['a token that is not a JWT', async () => bearer('not-a-token')],
      ['an expired token', async () => bearer(await accessToken(key, { expiresIn: -120 }))],
      ['a token for another audience', async () => bearer(await accessToken(key, { aud: 'someone-else' }))],
      ['a token from another issuer', async () => bearer(await accessToken(key, { iss: 'evil' }))],
      ['a token signed by another key under the real kid', async () => bearer(await accessToken({ ...(await signingKey(key.kid)) }))],
      ['an alg: none token', async () => bearer(unsignedToken({ sub: 'user-1', role: 'store', iss: 'homestore-user', aud: 'homestore', exp: Math.floor(Date.now() / 1000) + 300, iat: Math.floor(Date.now() / 1000) }))],
      ['a forged X-User-Id header and no token', async () => ({ 'x-user-id': 'user-1', 'x-user-role': 'store' })],
    ])('%s: 401 AUTH.INVALID_TOKEN, nothing forwarded', async (_, headers) => {
      const before = stubs.order.seen.length;
      const res = await call(protectedRoute, { headers: await headers() });
      expect(res.status).toBe(401);
      expect(await jsonOf(res)).toMatchObject({ statusCode: 401, code: 'AUTH.INVALID_TOKEN' });
      expect(stubs.order.seen.length).toBe(before);
    });

    it('a customer on a store-only route: 403 AUTH.FORBIDDEN; a store clerk passes', async () => {
      const customer = await call('/store/orders', { headers: bearer(await accessToken(key, { role: 'customer' })) });
      expect(customer.status).toBe(403);
      expect((await jsonOf(customer)).code).toBe('AUTH.FORBIDDEN');
      const clerk = await call('/store/orders?status=RECEIVED', { headers: bearer(await accessToken(key, { role: 'store' })) });
      expect(clerk.status).toBe(200);
      expect(stubs.ordermanagement.last().url).toBe('/store/orders?status=RECEIVED');
    });

    it('the wallet is a customer route: no token, 401 and nothing reaches mileage', async () => {
      const before = stubs.mileage.seen.length;
      expect((await call('/mileage')).status).toBe(401);
      expect(stubs.mileage.seen.length).toBe(before);
    });

    it('public routes need no token', async () => {
      expect((await call('/products/p-1')).status).toBe(200);
      expect((await call('/auth/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(200);
    });
  });

  describe('bodies', () => {
    const post = (body: string, contentType = 'application/json') => call('/auth/login', { method: 'POST', headers: { 'content-type': contentType }, body });

    it('over 64 KiB: 413 REQUEST.TOO_LARGE before anything is forwarded', async () => {
      const before = stubs.user.seen.length;
      const res = await post(JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(70_000) }));
      expect(res.status).toBe(413);
      expect(await jsonOf(res)).toMatchObject({ statusCode: 413, code: 'REQUEST.TOO_LARGE' });
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(stubs.user.seen.length).toBe(before);
    });

    it('malformed JSON: 400 REQUEST.MALFORMED_JSON', async () => {
      const res = await post('{"email": "a@b.c", ');
      expect(res.status).toBe(400);
      expect(await jsonOf(res)).toMatchObject({ statusCode: 400, code: 'REQUEST.MALFORMED_JSON' });
    });

    it('not JSON: 415', async () => {
      const res = await post('email=a@b.c', 'application/x-www-form-urlencoded');
      expect(res.status).toBe(415);
      expect((await jsonOf(res)).code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
    });

    it('just under 64 KiB passes whole', async () => {
      const body = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(60_000) });
      expect((await post(body)).status).toBe(200);
      expect(stubs.user.last().body).toBe(body);
    });
  });

  describe('timeouts and the circuit breaker', () => {
    it('an upstream slower than UPSTREAM_TIMEOUT_MS: 504 UPSTREAM.TIMEOUT', async () => {
      stubs.message.handle = (req, res) => {
        if (req.url !== '/messages') return false;
        setTimeout(() => json(res, 200, []), 1500);
        return true;
      };
      const res = await call('/messages', { headers: bearer(await accessToken(key)) });
      stubs.message.handle = undefined;
      expect(res.status).toBe(504);
      expect(await jsonOf(res)).toMatchObject({ statusCode: 504, code: 'UPSTREAM.TIMEOUT' });
    });

    it('an upstream killed: 503 with Retry-After at once, the circuit opens, and it recovers without a restart', async () => {
      const token = bearer(await accessToken(key));
      expect((await call('/payments/o-1', { headers: token })).status).toBe(200);
      await stubs.payment.stop();

      // Refused connections, then the open circuit: every answer is 503 with Retry-After.
      for (let i = 0; i < 6; i++) {
        const res = await call('/payments/o-1', { headers: token });
        expect(res.status).toBe(503);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(await jsonOf(res)).toMatchObject({ statusCode: 503, code: 'UPSTREAM.UNAVAILABLE' });
      }
      // The circuit is open (it turns half-open only when a request arrives after the cool-down).
      expect(await (await call('/metrics')).text()).toMatch(/homestore_gateway_circuit_state\{upstream="payment",service="gateway"\} 2/);
      // Other services are not affected.
      expect((await call('/deliveries/o-1', { headers: token })).status).toBe(200);
      // Readiness says which upstream is down.
      const ready = await call('/health/ready');
      expect(ready.status).toBe(503);
      expect((await jsonOf(ready)).checks).toMatchObject({ payment: { status: 'down' }, delivery: { status: 'up' } });

      await stubs.payment.start();
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = (await call('/payments/o-1', { headers: token })).status;
      }
      expect(status).toBe(200);
      expect((await call('/health/ready')).status).toBe(200);
    });

    it('several URLs of one service: called in turn, a stopped one passed over, and ready while one of them is', async () => {
      const second = await new StubUpstream('order-2', await freePort()).start();
      const pair = launch('gateway', await gatewayEnv({ ORDER_URL: `${stubs.order.url},${second.url}` }));
      try {
        await waitFor(pair, '/health/ready', 200);
        const token = bearer(await accessToken(key));
        const answers: string[] = [];
        for (let i = 0; i < 4; i++) answers.push((await jsonOf(await call('/orders/o-1', { headers: token }, pair))).upstream);
        expect(answers.sort()).toEqual(['order', 'order', 'order-2', 'order-2']);

        // One stopped: its turns go to the other, and nothing fails.
        await second.stop();
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) statuses.push((await call('/orders/o-1', { headers: token }, pair)).status);
        expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
        expect((await call('/health/ready', {}, pair)).status).toBe(200);
        stubs.order.ready = 503;
        const ready = await call('/health/ready', {}, pair);
        expect(ready.status).toBe(503);
        expect((await jsonOf(ready)).checks.order.status).toBe('down');
      } finally {
        stubs.order.ready = 200;
        await pair.stop();
        await second.stop();
      }
    });

    it('an upstream answering 503 repeatedly opens its circuit too', async () => {
      stubs.delivery.handle = (_req, res) => (json(res, 503, { statusCode: 503, code: 'X', message: 'busy' }), true);
      const token = bearer(await accessToken(key));
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await call('/deliveries/o-1', { headers: token })).status);
      stubs.delivery.handle = undefined;
      expect(statuses).toEqual([503, 503, 503, 503, 503]);
      const seenBefore = stubs.delivery.seen.length;
      expect((await call('/deliveries/o-1', { headers: token })).status).toBe(503);
      expect(stubs.delivery.seen.length).toBe(seenBefore); // refused by the open circuit, not forwarded
    });
  });

  describe('rate limits', () => {
    it('per user: over the limit, 429 RATE_LIMITED with Retry-After; another user still passes', async () => {
      const alice = bearer(await accessToken(key, { sub: `alice-${randomUUID()}` }));
      const statuses: number[] = [];
      let limited: Response | undefined;
      for (let i = 0; i < 4; i++) {
        const res = await call('/orders', { headers: alice }, tight);
        statuses.push(res.status);
        if (res.status === 429) limited = res;
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await jsonOf(limited!)).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
      expect((await call('/orders', { headers: bearer(await accessToken(key, { sub: 'bob' })) }, tight)).status).toBe(200);
    });

    it('per IP: over the limit, 429 with Retry-After, even on public routes; health is never limited', async () => {
      let res: Response | undefined;
      for (let i = 0; i < 20 && res?.status !== 429; i++) res = await call('/products', {}, tight);
      expect(res!.status).toBe(429);
      expect(Number(res!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await jsonOf(res!)).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
      expect((await call('/health/live', {}, tight)).status).toBe(200);
      expect((await call('/metrics', {}, tight)).status).toBe(200);
      const metrics = await (await call('/metrics', {}, tight)).text();
      expect(metrics).toMatch(/homestore_gateway_rate_limited_total\{by="ip",service="gateway"\} [1-9]/);
      expect(metrics).toMatch(/homestore_gateway_rate_limited_total\{by="user",service="gateway"\} [1-9]/);
    });
  });

  describe('docs', () => {
    it('serves swagger UI at /docs and the OpenAPI document at /docs/openapi.json', async () => {
      const page = await call('/docs');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toContain('/docs/openapi.json');
      expect((await call('/docs/swagger-ui-bundle.js')).status).toBe(200);
      const doc = await jsonOf(await call('/docs/openapi.json'));
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/auth/signup', '/orders/{id}/cancel', '/store/orders/{orderId}/accept']));
      expect((await call('/docs/package.json')).status).toBe(404);
      const events = (await jsonOf(await call('/docs/events'))) as { asyncapi: string; channels: Record<string, unknown> };
      expect(events.asyncapi).toBe('3.0.0');
      expect(Object.keys(events.channels)).toContain('order.events.v1');
      expect(await (await call('/docs/events/catalog.md')).text()).toMatch(/### OrderPlaced/);
    });
  });
});
