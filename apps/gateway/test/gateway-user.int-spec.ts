import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, importPKCS8, KeyLike } from 'jose';
import { Client } from 'pg';
import { decodeEnvelope, Topics } from '@homestore/events';
import { databaseUrl } from '@homestore/persistence';
import { readTopic, testDriver } from '../../../libs/messaging/test/support';
import { accessToken, App, freePort, launch, signingKey, unsignedToken, waitFor } from './support';

/*
 * End to end through the gateway, every piece a real process: the gateway in front of the real user service
 * (its own database, real Kafka). The user service signs with a key this test gives it (AUTH_PRIVATE_KEY, as in
 * production), so the test can also forge tokens that differ from real ones in exactly one way.
 */

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';

describe('gateway in front of the real user service', () => {
  const database = `hs_gw_user_${randomUUID().slice(0, 8)}`;
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  let realKey: { kid: string; privateKey: KeyLike };
  let user: App;
  let userEnv: Record<string, string>;
  let gateway: App;

  const call = (path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown; raw?: string } = {}) =>
    fetch(gateway.url + path, {
      method: init.method ?? 'GET',
      headers: { ...(init.body !== undefined || init.raw !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    });
  const jsonOf = async (res: Response) => (await res.json()) as Record<string, any>;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function signUpAndLogIn(correlationId?: string): Promise<{ id: string; email: string; token: string; signup: Response }> {
    const email = `gw.${randomUUID().slice(0, 8)}@shop.example`;
    const signup = await call('/auth/signup', {
      method: 'POST',
      body: { email, password: 'correct-horse-1', name: 'Lee Jiwoo', phone: '010-2222-3333' },
      headers: correlationId ? { 'x-correlation-id': correlationId } : {},
    });
    expect(signup.status).toBe(201);
    const { id } = await jsonOf(signup.clone());
    const login = await call('/auth/login', { method: 'POST', body: { email, password: 'correct-horse-1' } });
    expect(login.status).toBe(200);
    const { accessToken: token } = await jsonOf(login);
    return { id, email, token, signup };
  }

  beforeAll(async () => {
    const privateKey = await importPKCS8(pem, 'RS256');
    const { kty, n, e } = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint({ kty: kty!, n, e }, 'sha256');
    realKey = { kid, privateKey };
    const userPort = await freePort();
    userEnv = { PORT: String(userPort), DATABASE_NAME: database, AUTH_PRIVATE_KEY: pem.replace(/\n/g, '\\n') };
    user = launch('user', userEnv);
    gateway = launch('gateway', {
      PORT: String(await freePort()),
      USER_URL: user.url,
      AUTH_JWKS_URL: `${user.url}/.well-known/jwks.json`,
      BREAKER_FAILURE_THRESHOLD: '3',
      BREAKER_COOLDOWN_MS: '1000',
      RATE_LIMIT_USER: '20',
      RATE_LIMIT_WINDOW_MS: '60000',
    });
    await Promise.all([waitFor(user, '/health/ready', 200, 90_000), waitFor(gateway, '/health/live', 200)]);
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), user?.stop()]);
    const client = new Client({ connectionString: databaseUrl(SERVER_URL, 'postgres') });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.end();
  });

  it('signup → login → /users/me; the signup event carries the correlation id the gateway passed on', async () => {
    const correlationId = `gw-flow-${randomUUID()}`;
    const { id, email, token, signup } = await signUpAndLogIn(correlationId);
    expect(signup.headers.get('x-correlation-id')).toBe(correlationId);
    expect(signup.headers.get('x-request-id')).toBeTruthy();
    const me = await call('/users/me', { headers: bearer(token) });
    expect(me.status).toBe(200);
    expect(await jsonOf(me)).toMatchObject({ id, email, name: 'Lee Jiwoo', role: 'customer' });

    const messages = await readTopic(testDriver('gw-e2e'), Topics.User, (all) => all.some((m) => m.key?.toString() === id));
    const event = decodeEnvelope(messages.find((m) => m.key?.toString() === id)!.value);
    expect(event).toMatchObject({ eventType: 'UserRegistered', aggregateId: id, correlationId, causationId: signup.headers.get('x-request-id') });
  });

  describe('every token that is not a valid access token of ours is 401, one by one', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const cases: [string, () => Promise<Record<string, string>>][] = [
      ['no token', async () => ({})],
      ['an expired token', async () => bearer(await accessToken(realKey, { sub: randomUUID(), expiresIn: -120 }))],
      ['a token signed by another key under the real kid', async () => bearer(await accessToken({ ...(await signingKey(realKey.kid)) }, { sub: randomUUID() }))],
      ['an alg: none token', async () => bearer(unsignedToken({ sub: randomUUID(), role: 'store', iss: 'homestore-user', aud: 'homestore', iat: now(), exp: now() + 300 }))],
      ['a token for another audience', async () => bearer(await accessToken(realKey, { sub: randomUUID(), aud: 'another-shop' }))],
      ['a forged X-User-Id header and no token', async () => ({ 'x-user-id': randomUUID(), 'x-user-role': 'store' })],
    ];

    it.each(cases)('%s', async (_, headers) => {
      const res = await call('/users/me', { headers: await headers() });
      expect(res.status).toBe(401);
      expect(await jsonOf(res)).toMatchObject({ statusCode: 401, code: 'AUTH.INVALID_TOKEN', message: expect.any(String) });
    });

    it('(a token signed by the real key with the real claims passes: the forgeries above differ in one way only)', async () => {
      const { id } = await signUpAndLogIn();
      expect((await call('/users/me', { headers: bearer(await accessToken(realKey, { sub: id })) })).status).toBe(200);
    });
  });

  it('a customer calling a store-only route: 403 AUTH.FORBIDDEN', async () => {
    const { token } = await signUpAndLogIn();
    for (const [method, path] of [['GET', '/store/orders'], ['POST', '/products'], ['POST', `/deliveries/${randomUUID()}/complete`]]) {
      const res = await call(path, { method, headers: bearer(token), ...(method === 'POST' && { body: {} }) });
      expect([path, res.status]).toEqual([path, 403]);
      expect((await jsonOf(res)).code).toBe('AUTH.FORBIDDEN');
    }
  });

  it('over the rate limit: 429 RATE_LIMITED with Retry-After', async () => {
    const { token } = await signUpAndLogIn();
    let res: Response | undefined;
    for (let i = 0; i < 30 && res?.status !== 429; i++) res = await call('/users/me', { headers: bearer(token) });
    expect(res!.status).toBe(429);
    expect(Number(res!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await jsonOf(res!)).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
  });

  it('an oversize body: 413 REQUEST.TOO_LARGE; malformed JSON: 400 REQUEST.MALFORMED_JSON', async () => {
    const big = await call('/auth/signup', { method: 'POST', body: { email: 'big@shop.example', password: 'x'.repeat(70 * 1024), name: 'Big', phone: '010-1111-2222' } });
    expect(big.status).toBe(413);
    expect((await jsonOf(big)).code).toBe('REQUEST.TOO_LARGE');
    const bad = await call('/auth/login', { method: 'POST', raw: '{"email": "a@b.c", "password": ' });
    expect(bad.status).toBe(400);
    expect((await jsonOf(bad)).code).toBe('REQUEST.MALFORMED_JSON');
  });

  it('the user service killed: 503 UPSTREAM.UNAVAILABLE with Retry-After while it is down; back without restarting the gateway', async () => {
    const { token } = await signUpAndLogIn();
    await user.stop('SIGKILL');

    for (let i = 0; i < 5; i++) {
      const res = await call('/users/me', { headers: bearer(token) });
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await jsonOf(res)).toMatchObject({ statusCode: 503, code: 'UPSTREAM.UNAVAILABLE' });
    }
    const login = await call('/auth/login', { method: 'POST', body: { email: 'nobody@shop.example', password: 'whatever-1' } });
    expect(login.status).toBe(503);
    const ready = await call('/health/ready');
    expect(ready.status).toBe(503);
    expect((await jsonOf(ready)).checks.user).toMatchObject({ status: 'down' });

    user = launch('user', userEnv); // same port, same database: the same service coming back
    await waitFor(user, '/health/ready', 200, 90_000);
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await call('/users/me', { headers: bearer(token) })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  });
});
