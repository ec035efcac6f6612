import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, JWK } from 'jose';
import type { ConsumedMessage } from '@homestore/messaging';
import { readWholeTopic, testDriver } from '@homestore/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { TokenVerifier } from '@homestore/auth';
import { decodeEnvelope, decodeEvent, EventDefinition, Topics, UserProfileUpdated, UserRegistered } from '@homestore/events';
import { eventFixture } from '../../../libs/events/testing/fixtures';
import { ensureTopics } from '@homestore/messaging';
import { configureHttp, loadConfig } from '@homestore/platform';
import { databaseUrl } from '@homestore/persistence';
import { AccessTokens } from '../src/access-tokens';
import { UserConfig } from '../src/user.config';
import { UserModule } from '../src/user.module';

const ROOT = join(__dirname, '..', '..', '..');
const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

/** The user app in this process, on its own database, with the HTTP conventions of runService. */
async function startUserApp(database: string, env: Record<string, string> = {}): Promise<{ app: INestApplication; base: string }> {
  const config = loadConfig('user', UserConfig, { ...process.env, NODE_ENV: 'test', PORT: '1', DATABASE_NAME: database, ...env });
  const moduleRef = await Test.createTestingModule({ imports: [UserModule.register(config)] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error'] });
  configureHttp(app);
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json().catch(() => undefined)) as any };
}


function eventsOf<D extends EventDefinition>(messages: ConsumedMessage[], definition: D, where: (payload: any) => boolean) {
  return messages
    .filter((m) => m.headers?.eventType?.toString() === definition.type)
    .map((m) => ({ message: m, event: decodeEvent(definition, decodeEnvelope(m.value)) }))
    .filter(({ event }) => where(event.payload));
}

async function eventually<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('user service (real Kafka and PostgreSQL)', () => {
  const database = `hs_user_${randomUUID().slice(0, 8)}`;
  const kafka = testDriver('user-test');
  const email = `kim.${randomUUID().slice(0, 8)}@example.com`;
  const account = { email, password: 'correct horse', name: 'Kim Minji', phone: '010-1234-5678' };
  let app: INestApplication;
  let base: string;
  let userId: string;
  let token: string;

  /** Waits until the relay has published everything committed, then reads the whole topic. */
  const publishedUserEvents = async () => {
    const ds = app.get(DataSource);
    await eventually('the outbox to drain', async () => (await ds.query(`SELECT count(*)::int AS n FROM outbox`))[0].n, (n) => n === 0);
    return readWholeTopic(kafka, Topics.User);
  };

  beforeAll(async () => {
    await ensureTopics(kafka, [{ topic: Topics.User, numPartitions: 6 }]);
    ({ app, base } = await startUserApp(database));
  });

  afterAll(async () => {
    await app?.close();
    const client = new Client({ connectionString: databaseUrl(SERVER_URL, 'postgres') });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.end();
  });

  it('serves its public signing key as a JWKS', async () => {
    const { status, body, headers } = await call(base, 'GET', '/.well-known/jwks.json');
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toMatch(/max-age/);
    expect(body.keys).toEqual([{ kty: 'RSA', n: expect.any(String), e: 'AQAB', kid: expect.any(String), alg: 'RS256', use: 'sig' }]);
  });

  it('signs up a customer, logs in, and shows the profile', async () => {
    const signup = await call(base, 'POST', '/auth/signup', account, { 'x-correlation-id': 'signup-flow-1' });
    expect(signup.status).toBe(201);
    expect(signup.body).toEqual({ id: expect.any(String), email, name: 'Kim Minji', phone: '010-1234-5678', role: 'customer' });
    userId = signup.body.id;

    const login = await call(base, 'POST', '/auth/login', { email: email.toUpperCase(), password: account.password });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
    token = login.body.accessToken;

    const me = await call(base, 'GET', '/users/me', undefined, { authorization: `Bearer ${token}` });
    expect(me).toMatchObject({ status: 200, body: signup.body });
  });

  it('issues RS256 tokens with sub, role, iss, aud, iat, exp and kid that TokenVerifier accepts from the JWKS', async () => {
    const header = decodeProtectedHeader(token);
    const claims = decodeJwt(token);
    const jwks = (await call(base, 'GET', '/.well-known/jwks.json')).body;
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: jwks.keys[0].kid });
    expect(claims).toMatchObject({ sub: userId, role: 'customer', iss: 'homestore-user', aud: 'homestore' });
    expect(claims.exp! - claims.iat!).toBe(900);
    const verifier = new TokenVerifier({ jwksUrl: `${base}/.well-known/jwks.json`, issuer: 'homestore-user', audience: 'homestore' });
    expect(await verifier.verify(token)).toEqual({ id: userId, role: 'customer' });
  });

  it('publishes UserRegistered on user.events.v1, keyed by user id, in the envelope of the fixture', async () => {
    const [registered, ...more] = eventsOf(await publishedUserEvents(), UserRegistered, (p) => p.userId === userId);
    expect(more).toEqual([]);
    const { message, event } = registered;
    const fixture = eventFixture('UserRegistered');
    expect(Object.keys(event).sort()).toEqual(Object.keys(fixture).sort());
    expect(Object.keys(event.payload).sort()).toEqual(Object.keys(fixture.payload as object).sort());
    expect(event).toMatchObject({
      eventType: 'UserRegistered',
      eventVersion: 1,
      aggregateType: 'user',
      aggregateId: userId,
      producer: 'user',
      correlationId: 'signup-flow-1',
      payload: { userId, email, name: 'Kim Minji', phone: '010-1234-5678', role: 'customer' },
    });
    expect(event).not.toHaveProperty('orderId');
    expect(message.key?.toString()).toBe(userId);
    expect(message.headers?.eventId?.toString()).toBe(event.eventId);
    expect(message.headers?.correlationId?.toString()).toBe('signup-flow-1');
    expect(message.headers?.traceparent?.toString()).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
  });

  it('answers 409 USER.EMAIL_TAKEN to the same email in another case, and publishes nothing for it', async () => {
    const again = await call(base, 'POST', '/auth/signup', { ...account, email: email.toUpperCase(), name: 'Someone else' });
    expect(again).toMatchObject({ status: 409, body: { statusCode: 409, code: 'USER.EMAIL_TAKEN', message: expect.any(String) } });
    const registered = eventsOf(await publishedUserEvents(), UserRegistered, (p) => p.email.toLowerCase() === email);
    expect(registered.map(({ event }) => event.payload.userId)).toEqual([userId]);
  });

  it('lets exactly one of several concurrent signups with one email (any case) through', async () => {
    const contested = `race.${randomUUID().slice(0, 8)}@example.com`;
    const variants = [contested, contested.toUpperCase(), `Race${contested.slice(4)}`, contested, contested.toUpperCase()];
    const answers = await Promise.all(variants.map((e) => call(base, 'POST', '/auth/signup', { ...account, email: e })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
  });

  it('answers 401 AUTH.INVALID_CREDENTIALS alike to a wrong password and an unknown email', async () => {
    const wrongPassword = await call(base, 'POST', '/auth/login', { email, password: 'incorrect horse' });
    const unknownEmail = await call(base, 'POST', '/auth/login', { email: `nobody.${randomUUID()}@example.com`, password: account.password });
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.body).toEqual({ statusCode: 401, code: 'AUTH.INVALID_CREDENTIALS', message: 'Email or password is wrong' });
    expect(unknownEmail.body).toEqual(wrongPassword.body);
  });

  it('throttles failed logins per account and client address: 429 AUTH.TOO_MANY_ATTEMPTS with Retry-After, alike for an unknown account, not for the owner elsewhere', async () => {
    const attempt = (who: string, password: string, ip: string) => call(base, 'POST', '/auth/login', { email: who, password }, { 'x-forwarded-for': ip });
    for (let i = 0; i < 5; i++) expect((await attempt(email, 'wrong guess!', '203.0.113.7')).status).toBe(401);
    // Past the limit the right password is refused too: guessing gets nowhere faster.
    const refused = await attempt(email, account.password, '203.0.113.7');
    expect(refused).toMatchObject({ status: 429, body: { statusCode: 429, code: 'AUTH.TOO_MANY_ATTEMPTS' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // The owner, from another address, is not kept out.
    expect((await attempt(email, account.password, '198.51.100.1')).status).toBe(200);
    // An account that does not exist is answered the same way: nothing tells it apart.
    const nobody = `nobody.${randomUUID()}@example.com`;
    for (let i = 0; i < 5; i++) expect((await attempt(nobody, 'wrong guess!', '203.0.113.8')).body).toEqual((await attempt(email, 'wrong guess!', '203.0.113.9')).body);
    expect((await attempt(nobody, 'wrong guess!', '203.0.113.8')).body).toEqual({ ...refused.body, message: expect.stringMatching(/^Too many failed logins/) });
  });

  it('lifts the throttle when its window ends', async () => {
    // Long enough for six password checks (argon2, slow on purpose) on a busy machine: a 1 s window could end before the sixth.
    const shortWindow = await startUserApp(database, { LOGIN_FAILURE_WINDOW_SECONDS: '4' });
    try {
      const attempt = (password: string) => call(shortWindow.base, 'POST', '/auth/login', { email, password }, { 'x-forwarded-for': '192.0.2.44' });
      for (let i = 0; i < 5; i++) expect((await attempt('wrong guess!')).status).toBe(401);
      expect((await attempt(account.password)).status).toBe(429);
      await new Promise((r) => setTimeout(r, 4500));
      expect((await attempt(account.password)).status).toBe(200);
    } finally {
      await shortWindow.app.close();
    }
  });

  it('updates the profile with PATCH /users/me and publishes UserProfileUpdated with the whole contact snapshot', async () => {
    const patched = await call(base, 'PATCH', '/users/me', { phone: '010-9876-5432' }, { authorization: `Bearer ${token}` });
    expect(patched).toMatchObject({ status: 200, body: { id: userId, email, name: 'Kim Minji', phone: '010-9876-5432', role: 'customer' } });
    const unchanged = await call(base, 'PATCH', '/users/me', { phone: '010-9876-5432' }, { authorization: `Bearer ${token}` });
    expect(unchanged.status).toBe(200);

    const updates = eventsOf(await publishedUserEvents(), UserProfileUpdated, (p) => p.userId === userId);
    expect(updates).toHaveLength(1); // the second PATCH changed nothing, so announced nothing
    const fixture = eventFixture('UserProfileUpdated');
    expect(Object.keys(updates[0].event).sort()).toEqual(Object.keys(fixture).sort());
    expect(updates[0].event).toMatchObject({ aggregateId: userId, producer: 'user', payload: { userId, email, name: 'Kim Minji', phone: '010-9876-5432' } });
    expect(updates[0].message.key?.toString()).toBe(userId);
  });

  it('rejects invalid fields with 400 listing each, and unknown fields', async () => {
    const bad = await call(base, 'POST', '/auth/signup', { email: 'not-an-email', password: 'short', phone: 'call me', role: 'store' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ statusCode: 400, code: 'REQUEST.VALIDATION_FAILED' });
    expect(bad.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['email', 'name', 'password', 'phone', 'role']);
    const unknown = await call(base, 'PATCH', '/users/me', { name: 'Kim', email: 'new@example.com' }, { authorization: `Bearer ${token}` });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields).toEqual([{ field: 'email', errors: ['property email should not exist'] }]);
    const malformed = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
    expect(malformed.status).toBe(400);
  });

  it('needs a valid token for /users/me and never takes identity from headers', async () => {
    const noToken = await call(base, 'GET', '/users/me', undefined, { 'x-user-id': userId });
    expect(noToken).toMatchObject({ status: 401, body: { code: 'AUTH.INVALID_TOKEN' } });
    const tampered = await call(base, 'GET', '/users/me', undefined, { authorization: `Bearer ${token.slice(0, -4)}AAAA` });
    expect(tampered).toMatchObject({ status: 401, body: { code: 'AUTH.INVALID_TOKEN' } });
  });

  it('answers 404 for a valid token whose account does not exist', async () => {
    const { accessToken } = await app.get(AccessTokens).issue({ id: randomUUID(), role: 'customer' });
    const me = await call(base, 'GET', '/users/me', undefined, { authorization: `Bearer ${accessToken}` });
    expect(me).toMatchObject({ status: 404, body: { code: 'USER.NOT_FOUND' } });
  });

  it('creates the store clerk at start-up: it logs in with role store and was announced once', async () => {
    const { STORE_ADMIN_EMAIL, STORE_ADMIN_PASSWORD } = app.get(UserConfig); // the local defaults unless the environment sets them
    const login = await call(base, 'POST', '/auth/login', { email: STORE_ADMIN_EMAIL, password: STORE_ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    expect(decodeJwt(login.body.accessToken)).toMatchObject({ role: 'store' });
    const me = await call(base, 'GET', '/users/me', undefined, { authorization: `Bearer ${login.body.accessToken}` });
    expect(me.body).toMatchObject({ email: STORE_ADMIN_EMAIL, role: 'store' });
    const announced = eventsOf(await publishedUserEvents(), UserRegistered, (p) => p.userId === me.body.id);
    expect(announced.map(({ event }) => event.payload.role)).toEqual(['store']);
  });

  it('shares the signing key and the clerk with a second instance on the same database', async () => {
    const second = await startUserApp(database);
    try {
      const jwks = [(await call(base, 'GET', '/.well-known/jwks.json')).body, (await call(second.base, 'GET', '/.well-known/jwks.json')).body];
      expect(jwks[1]).toEqual(jwks[0]);
      expect((await call(second.base, 'GET', '/users/me', undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
      const clerks: { n: number }[] = await app.get(DataSource).query(`SELECT count(*)::int AS n FROM users WHERE role = 'store'`);
      expect(clerks[0].n).toBe(1);
    } finally {
      await second.app.close();
    }
    const clerkId = (await app.get(DataSource).query(`SELECT id FROM users WHERE role = 'store'`))[0].id;
    expect(eventsOf(await publishedUserEvents(), UserRegistered, (p) => p.userId === clerkId)).toHaveLength(1);
  });

  it("changes the clerk's password when an instance starts with another STORE_ADMIN_PASSWORD, after its start", async () => {
    const { STORE_ADMIN_EMAIL: email, STORE_ADMIN_PASSWORD: before } = app.get(UserConfig);
    const hash = async () => (await app.get(DataSource).query(`SELECT password_hash FROM users WHERE role = 'store'`))[0].password_hash as string;
    const old = await hash();
    const second = await startUserApp(database, { STORE_ADMIN_PASSWORD: 'a-new-clerk-secret' });
    try {
      await eventually('the new password to be stored', hash, (h) => h !== old);
      expect((await call(base, 'POST', '/auth/login', { email, password: 'a-new-clerk-secret' })).status).toBe(200);
      expect((await call(base, 'POST', '/auth/login', { email, password: before })).status).toBe(401);
    } finally {
      await second.app.close();
    }
  });
});

describe('user service configuration', () => {
  it('signs with AUTH_PRIVATE_KEY when it is set (as in production), storing no key of its own', async () => {
    const database = `hs_user_key_${randomUUID().slice(0, 8)}`;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const clerk = { STORE_ADMIN_EMAIL: `clerk.${randomUUID().slice(0, 8)}@shop.example`, STORE_ADMIN_PASSWORD: 'a-real-clerk-secret' };
    const { app, base } = await startUserApp(database, { NODE_ENV: 'production', AUTH_PRIVATE_KEY: pem.replace(/\n/g, '\\n'), ...clerk });
    try {
      const kid = await calculateJwkThumbprint(publicKey.export({ format: 'jwk' }) as JWK);
      expect((await call(base, 'GET', '/.well-known/jwks.json')).body.keys.map((k: JWK) => k.kid)).toEqual([kid]);
      expect((await app.get(DataSource).query(`SELECT count(*)::int AS n FROM signing_keys`))[0].n).toBe(0);
      const login = await call(base, 'POST', '/auth/login', { email: clerk.STORE_ADMIN_EMAIL, password: clerk.STORE_ADMIN_PASSWORD });
      expect(decodeProtectedHeader(login.body.accessToken).kid).toBe(kid);
      const verifier = new TokenVerifier({ jwksUrl: 'unused', issuer: 'homestore-user', audience: 'homestore', fetchJwks: async () => ({ keys: [{ ...(publicKey.export({ format: 'jwk' }) as JWK), kid }] }) });
      expect(await verifier.verify(login.body.accessToken)).toMatchObject({ role: 'store' });
    } finally {
      await app.close();
      const client = new Client({ connectionString: databaseUrl(SERVER_URL, 'postgres') });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await client.end();
    }
  });

  it('refuses to start in production with the local clerk login or without a signing key (exit 1, naming them)', async () => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps', 'user', 'src', 'main.ts')], {
      cwd: ROOT,
      env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), NODE_ENV: 'production', PORT: '1', STORE_ADMIN_EMAIL: '', STORE_ADMIN_PASSWORD: '', AUTH_PRIVATE_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? signal)));
    expect(code).toBe(1);
    expect(output).toMatch(/user: invalid configuration/);
    expect(output).toMatch(/STORE_ADMIN_EMAIL \(not set\): STORE_ADMIN_EMAIL is the documented local default, refused when NODE_ENV=production/);
    expect(output).toMatch(/STORE_ADMIN_PASSWORD \(not set\): STORE_ADMIN_PASSWORD is the documented local default/);
    expect(output).toMatch(/AUTH_PRIVATE_KEY \(not set\)/);
  });
});
