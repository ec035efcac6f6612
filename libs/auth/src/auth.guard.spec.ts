import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Controller, Get, INestApplication, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { exportJWK, JSONWebKeySet, SignJWT } from 'jose';
import { configureHttp, loadConfig, PlatformModule, ServiceConfig } from '@homestore/platform';
import { AuthModule, AuthUser, bearerToken, CurrentUser, JwksSource, Public, Roles } from './index';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

@Injectable()
class TestKeys implements JwksSource {
  async jwks(): Promise<JSONWebKeySet> {
    return { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] };
  }
}

@Module({ providers: [TestKeys], exports: [TestKeys] })
class TestKeysModule {}

@Controller()
class ShopController {
  @Public()
  @Get('catalog')
  catalog(): string[] {
    return ['fridge'];
  }

  @Get('me')
  me(@CurrentUser() user: AuthUser): AuthUser {
    return user;
  }

  @Roles('store')
  @Get('store/orders')
  storeOrders(@CurrentUser() user: AuthUser): { clerk: string } {
    return { clerk: user.id };
  }
}

function token(role: string, sub = 'user-1'): Promise<string> {
  return new SignJWT({ role }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject(sub).setIssuer('homestore-user').setAudience('homestore').setIssuedAt().setExpirationTime('5m').sign(privateKey);
}

describe('AuthGuard in a Nest app', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const config = loadConfig('shop', ServiceConfig, { PORT: '1' });
    const moduleRef = await Test.createTestingModule({
      imports: [PlatformModule.forRoot('shop', config), AuthModule.forRoot({ imports: [TestKeysModule], jwksSource: TestKeys })],
      controllers: [ShopController],
    }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error'] });
    configureHttp(app as NestExpressApplication);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(() => app?.close());

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, { headers });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> };
  };

  it('lets anyone reach @Public routes, health and metrics', async () => {
    expect((await get('/catalog')).status).toBe(200);
    expect((await get('/health/live')).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
  });

  it('answers 401 AUTH.INVALID_TOKEN without a token, with a non-bearer one, and with a forged identity header', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Basic dXNlcjpwYXNz' }, { 'x-user-id': 'user-1', 'x-user-role': 'store' }];
    for (const headers of attempts) {
      const { status, body } = await get('/me', headers);
      expect(status).toBe(401);
      expect(body).toMatchObject({ statusCode: 401, code: 'AUTH.INVALID_TOKEN' });
    }
  });

  it('sets the caller from the verified token only', async () => {
    const { status, body } = await get('/me', { authorization: `Bearer ${await token('customer')}`, 'x-user-id': 'someone-else' });
    expect(status).toBe(200);
    expect(body).toEqual({ id: 'user-1', role: 'customer' });
  });

  it('answers 403 AUTH.FORBIDDEN to a customer on a store route, and lets the store in', async () => {
    const forbidden = await get('/store/orders', { authorization: `Bearer ${await token('customer')}` });
    expect(forbidden).toEqual({ status: 403, body: { statusCode: 403, code: 'AUTH.FORBIDDEN', message: 'This needs the store role' } });
    expect(await get('/store/orders', { authorization: `Bearer ${await token('store', 'clerk-1')}` })).toEqual({ status: 200, body: { clerk: 'clerk-1' } });
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer header, any case of the scheme', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
  });

  it('rejects a missing header and other schemes', () => {
    expect(() => bearerToken(undefined)).toThrow(/missing/);
    expect(() => bearerToken('Basic x')).toThrow(/not a Bearer token/);
    expect(() => bearerToken('Bearer a b')).toThrow(/not a Bearer token/);
  });
});
