import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import { Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { calculateJwkThumbprint, JSONWebKeySet, JWK, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import type { AuthUser, JwksSource } from '@homestore/auth';
import { UserConfig } from './user.config';

/** Advisory lock taken while the first instance generates the local signing key. */
const SIGNING_KEY_LOCK = 0x0b0c_0301;

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

async function signingKey(pem: string): Promise<SigningKey> {
  const privateKey = createPrivateKey(pem);
  const { kty, n, e } = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const publicJwk: JWK = { kty, n, e };
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return { kid, privateKey, publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' } };
}

/**
 * The RS256 key pair that signs access tokens: AUTH_PRIVATE_KEY (production, from a Secret), or else a key
 * generated at the first start and kept in `signing_keys`, so restarts and every instance share it.
 */
@Injectable()
export class SigningKeys implements JwksSource, OnModuleInit {
  private readonly logger = new Logger(SigningKeys.name);
  private keys: SigningKey[] = [];

  constructor(
    private readonly config: UserConfig,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    const pems = this.config.AUTH_PRIVATE_KEY ? [this.config.AUTH_PRIVATE_KEY] : await this.storedOrGenerated();
    this.keys = await Promise.all(pems.map(signingKey));
  }

  /** The key new tokens are signed with. */
  current(): SigningKey {
    if (!this.keys.length) throw new Error('signing keys are not loaded yet');
    return this.keys[0];
  }

  /** The public keys, as served at /.well-known/jwks.json. */
  async jwks(): Promise<JSONWebKeySet> {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** Newest first; generates the first one under a lock so that instances starting together agree. */
  private storedOrGenerated(): Promise<string[]> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock($1)`, [SIGNING_KEY_LOCK]);
      const rows: { private_key_pem: string }[] = await em.query(`SELECT private_key_pem FROM signing_keys ORDER BY created_at DESC`);
      if (rows.length) return rows.map((r) => r.private_key_pem);
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      const { kid } = await signingKey(pem);
      await em.query(`INSERT INTO signing_keys (kid, private_key_pem) VALUES ($1, $2)`, [kid, pem]);
      this.logger.log(`generated the local token-signing key ${kid} (set AUTH_PRIVATE_KEY to use your own)`);
      return [pem];
    });
  }
}

export interface AccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds. */
  expiresIn: number;
}

/** Signs short-lived access tokens: sub, role, iss, aud, iat, exp, jti; header kid. */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly keys: SigningKeys,
    private readonly config: UserConfig,
  ) {}

  async issue(user: AuthUser): Promise<AccessToken> {
    const { kid, privateKey } = this.keys.current();
    const ttl = this.config.AUTH_TOKEN_TTL_SECONDS;
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({ role: user.role })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.config.AUTH_ISSUER)
      .setAudience(this.config.AUTH_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + ttl)
      .setJti(randomUUID())
      .sign(privateKey);
    return { accessToken, tokenType: 'Bearer', expiresIn: ttl };
  }
}

/** Signing keys and token issuing; AuthModule reads the same keys to verify tokens without an HTTP round trip. */
@Module({ providers: [SigningKeys, AccessTokens], exports: [SigningKeys, AccessTokens] })
export class TokensModule {}
