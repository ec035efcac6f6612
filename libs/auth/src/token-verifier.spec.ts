import { createHmac, generateKeyPairSync, KeyObject } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpException } from '@nestjs/common';
import { exportJWK, JSONWebKeySet, SignJWT } from 'jose';
import { TokenVerifier } from './token-verifier';

const ISSUER = 'homestore-user';
const AUDIENCE = 'homestore';

interface TestKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function rsaKey(kid: string): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

async function jwksOf(...keys: TestKey[]): Promise<JSONWebKeySet> {
  return { keys: await Promise.all(keys.map(async (k) => ({ ...(await exportJWK(k.publicKey)), kid: k.kid, alg: 'RS256', use: 'sig' }))) };
}

const b64 = (value: object | Buffer) => (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** A token as the user service signs it, with any claim or header overridden. */
function aToken(key: TestKey, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const payload = Object.fromEntries(Object.entries({ ...validClaims(), ...claims }).filter(([, v]) => v !== undefined));
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...header }).sign(key.privateKey);
}

/** A token signed by hand (for algorithms a real signer would refuse to produce with an RSA key). */
function handSigned(header: object, claims: object, sign: (input: string) => Buffer | string): string {
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = sign(input);
  return `${input}.${typeof signature === 'string' ? signature : signature.toString('base64url')}`;
}

const validClaims = (): Record<string, unknown> => ({ sub: '5f0c8a52-3c1e-4d55-9a1b-6c9f1e2d3a41', role: 'customer', iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 900 });

async function rejection(promise: Promise<unknown>): Promise<{ status: number; body: { statusCode: number; code: string; message: string } }> {
  try {
    await promise;
  } catch (e) {
    if (!(e instanceof HttpException)) throw e;
    return { status: e.getStatus(), body: e.getResponse() as { statusCode: number; code: string; message: string } };
  }
  throw new Error('expected a rejection');
}

describe('TokenVerifier', () => {
  const key = rsaKey('key-1');
  const otherKey = rsaKey('key-1'); // same kid, different key: a forger's
  let server: Server;
  let jwks: JSONWebKeySet;
  let fetches = 0;
  let jwksUrl: string;

  beforeAll(async () => {
    jwks = await jwksOf(key);
    server = createServer((req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(jwks));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(() => new Promise((r) => server.close(r)));

  const verifier = (options: Partial<ConstructorParameters<typeof TokenVerifier>[0]> = {}) =>
    new TokenVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE, ...options });

  const expectInvalid = async (token: string, message: RegExp, v = verifier()) => {
    const { status, body } = await rejection(v.verify(token));
    expect(status).toBe(401);
    expect(body).toEqual({ statusCode: 401, code: 'AUTH.INVALID_TOKEN', message: expect.stringMatching(message) });
  };

  it('accepts a token of ours and returns who it stands for', async () => {
    expect(await verifier().verify(await aToken(key))).toEqual({ id: '5f0c8a52-3c1e-4d55-9a1b-6c9f1e2d3a41', role: 'customer' });
    expect(await verifier().verify(await aToken(key, { role: 'store' }))).toMatchObject({ role: 'store' });
  });

  it('rejects a missing or malformed token', async () => {
    await expectInvalid('', /malformed/);
    await expectInvalid('not-a-jwt', /malformed/);
    await expectInvalid('a.b', /malformed/);
    await expectInvalid('!!!.???.***', /malformed/);
    await expectInvalid(`${b64(Buffer.from('not json'))}.${b64({})}.sig`, /malformed header/);
  });

  it('rejects alg "none"', async () => {
    const token = handSigned({ alg: 'none', kid: key.kid, typ: 'JWT' }, validClaims(), () => '');
    await expectInvalid(token, /algorithm none is not accepted/);
  });

  it('rejects HS256, including one keyed with our public key (RS/HS confusion)', async () => {
    const publicPem = key.publicKey.export({ type: 'spki', format: 'pem' });
    const confused = handSigned({ alg: 'HS256', kid: key.kid, typ: 'JWT' }, validClaims(), (input) => createHmac('sha256', publicPem).update(input).digest());
    await expectInvalid(confused, /algorithm HS256 is not accepted/);
  });

  it('rejects other asymmetric algorithms than RS256 (PS256, RS512)', async () => {
    const ps256 = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'PS256', kid: key.kid }).sign(key.privateKey);
    await expectInvalid(ps256, /algorithm PS256 is not accepted/);
    const rs512 = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'RS512', kid: key.kid }).sign(key.privateKey);
    await expectInvalid(rs512, /algorithm RS512 is not accepted/);
  });

  it('rejects an unknown kid, and a token without one', async () => {
    await expectInvalid(await aToken(key, {}, { kid: 'who-knows' }), /unknown key id/);
    await expectInvalid(await aToken(key, {}, { kid: undefined }), /no key id/);
  });

  it('rejects a bad signature (right kid, another key), and a tampered payload', async () => {
    await expectInvalid(await aToken(otherKey), /bad signature/);
    const [h, , s] = (await aToken(key)).split('.');
    await expectInvalid(`${h}.${b64({ ...validClaims(), role: 'store' })}.${s}`, /bad signature/);
  });

  it('rejects a wrong issuer', async () => {
    await expectInvalid(await aToken(key, { iss: 'someone-else' }), /iss claim check failed/);
  });

  it('rejects a wrong audience', async () => {
    await expectInvalid(await aToken(key, { aud: 'another-app' }), /aud claim check failed/);
  });

  it('rejects an expired token (beyond the clock tolerance)', async () => {
    await expectInvalid(await aToken(key, { iat: now() - 1000, exp: now() - 60 }), /expired/);
  });

  it('rejects a token not valid yet (nbf in the future)', async () => {
    await expectInvalid(await aToken(key, { nbf: now() + 60 }), /nbf claim check failed/);
  });

  it('rejects a token without exp, without sub, or with a role we do not know', async () => {
    const noExp = await aToken(key, { exp: undefined });
    await expectInvalid(noExp, /exp/);
    await expectInvalid(await aToken(key, { sub: undefined }), /sub/);
    await expectInvalid(await aToken(key, { role: 'admin' }), /role/);
  });

  it('fetches the JWKS once and caches it; an unknown kid refetches at most once per cooldown', async () => {
    const v = verifier({ refetchCooldownMs: 60_000 });
    const before = fetches;
    await v.verify(await aToken(key));
    await v.verify(await aToken(key));
    expect(fetches - before).toBe(1);
    for (let i = 0; i < 5; i++) await expectInvalid(await aToken(key, {}, { kid: `forged-${i}` }), /unknown key id/, v);
    expect(fetches - before).toBe(1); // the first fetch was moments ago: still cooling down
  });

  it('picks up a new key (rotation) on its first unknown kid once the cooldown has passed', async () => {
    const rotated = rsaKey('key-2');
    const v = verifier({ refetchCooldownMs: 0 });
    await v.verify(await aToken(key));
    jwks = await jwksOf(key, rotated);
    try {
      expect(await v.verify(await aToken(rotated))).toMatchObject({ role: 'customer' });
    } finally {
      jwks = await jwksOf(key);
    }
  });

  it('answers 503 AUTH.KEYS_UNAVAILABLE when the keys cannot be fetched', async () => {
    const { status, body } = await rejection(verifier({ jwksUrl: 'http://127.0.0.1:1/jwks.json' }).verify(await aToken(key)));
    expect(status).toBe(503);
    expect(body.code).toBe('AUTH.KEYS_UNAVAILABLE');
  });

  describe('remembers tokens it verified', () => {
    afterEach(() => jest.useRealTimers());

    it('answers a token it verified again without checking its signature again, and a changed one with a full check', async () => {
      const v = verifier();
      const token = await aToken(key);
      const user = await v.verify(token);
      const check = jest.spyOn(v as unknown as { check: () => unknown }, 'check');
      expect(await v.verify(token)).toEqual(user);
      expect(check).not.toHaveBeenCalled();
      const [h, p, sig] = token.split('.');
      const tampered = `${h}.${p}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BA' : 'AA'}`;
      await expectInvalid(tampered, /signature|malformed/, v);
      expect(check).toHaveBeenCalledTimes(1);
    });

    it('stops answering from memory once the token expires', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      const v = verifier({ clockToleranceSeconds: 0 });
      const token = await aToken(key, { exp: now() + 60 });
      await v.verify(token);
      jest.setSystemTime(Date.now() + 61_000);
      await expectInvalid(token, /expired/, v);
    });

    it('stops answering from memory after maxKeyAgeMs, as the key cache would', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      const v = verifier({ maxKeyAgeMs: 1_000 });
      const token = await aToken(key);
      await v.verify(token);
      const check = jest.spyOn(v as unknown as { check: () => unknown }, 'check');
      jest.setSystemTime(Date.now() + 2_000);
      await v.verify(token).catch(() => undefined);
      expect(check).toHaveBeenCalledTimes(1);
    });

    it('keeps at most verifiedCacheSize tokens, forgetting the oldest', async () => {
      const v = verifier({ verifiedCacheSize: 2 });
      const tokens = [await aToken(key, { jti: 'a' }), await aToken(key, { jti: 'b' }), await aToken(key, { jti: 'c' })];
      for (const t of tokens) await v.verify(t);
      const check = jest.spyOn(v as unknown as { check: () => unknown }, 'check');
      await v.verify(tokens[2]);
      await v.verify(tokens[1]);
      expect(check).not.toHaveBeenCalled();
      await v.verify(tokens[0]);
      expect(check).toHaveBeenCalledTimes(1);
    });
  });

  it('can read keys from an injected source instead of HTTP', async () => {
    const v = verifier({ jwksUrl: 'http://127.0.0.1:1/unused', fetchJwks: () => jwksOf(key) });
    expect(await v.verify(await aToken(key))).toMatchObject({ role: 'customer' });
  });
});

