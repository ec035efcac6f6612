import { Logger } from '@nestjs/common';
import { createLocalJWKSet, JSONWebKeySet, JWSHeaderParameters, KeyLike } from 'jose';
import { invalidToken, keysUnavailable } from './auth-errors';

/** Where the public keys come from: the issuer's JWKS over HTTP, or (in the issuer itself) its own keys. */
export type JwksFetcher = () => Promise<JSONWebKeySet>;

export interface JwksCacheOptions {
  /** Least time between two fetches caused by unknown key ids, so forged kids cannot flood the issuer. */
  refetchCooldownMs: number;
  /** Keys older than this are refetched, so a key removed by the issuer stops being trusted. */
  maxAgeMs: number;
}

/** Fetches a JWKS over HTTP, failing after `timeoutMs`. */
export function httpJwksFetcher(url: string, timeoutMs = 3000): JwksFetcher {
  return async () => {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
    const body = (await res.json()) as JSONWebKeySet;
    if (!body || !Array.isArray(body.keys)) throw new Error(`GET ${url} did not return a JWKS`);
    return body;
  };
}

/**
 * The issuer's public keys, kept in memory. Refetched when a token names a key id we do not know (at most once
 * per cooldown) and when the keys are older than maxAge; a failed refetch keeps the keys we had.
 */
export class JwksCache {
  private readonly logger = new Logger(JwksCache.name);
  private select?: (header: JWSHeaderParameters) => Promise<KeyLike>;
  private kids = new Set<string>();
  private fetchedAt = 0;
  private lastAttemptAt = 0;
  private lastError?: string;
  private inflight?: Promise<void>;

  constructor(
    private readonly fetchJwks: JwksFetcher,
    private readonly options: JwksCacheOptions,
  ) {}

  /** The public key a token's header names; throws 401 for an unknown kid, 503 when no keys could be fetched. */
  async keyFor(header: JWSHeaderParameters): Promise<KeyLike> {
    const kid = header.kid;
    if (!kid) throw invalidToken('no key id (kid) in the header');
    const now = Date.now();
    const stale = now - this.fetchedAt >= this.options.maxAgeMs;
    const unknown = !this.kids.has(kid);
    if ((stale || unknown) && now - this.lastAttemptAt >= this.options.refetchCooldownMs) await this.refresh();
    if (!this.select) throw keysUnavailable(this.lastError ?? 'not fetched yet');
    if (!this.kids.has(kid)) throw invalidToken('unknown key id');
    try {
      return await this.select(header);
    } catch (e) {
      throw invalidToken((e as Error).message);
    }
  }

  private refresh(): Promise<void> {
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async fetch(): Promise<void> {
    this.lastAttemptAt = Date.now();
    try {
      const jwks = await this.fetchJwks();
      this.select = createLocalJWKSet(jwks);
      this.kids = new Set(jwks.keys.map((k) => k.kid).filter((kid): kid is string => typeof kid === 'string'));
      this.fetchedAt = Date.now();
      this.lastError = undefined;
    } catch (e) {
      this.lastError = (e as Error).message;
      this.logger.warn(`could not fetch the token signing keys: ${this.lastError}`);
    }
  }
}
