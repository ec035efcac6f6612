import { HttpException } from '@nestjs/common';
import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { invalidToken } from './auth-errors';
import { AuthUser, Role, ROLES } from './auth-user';
import { httpJwksFetcher, JwksCache, JwksFetcher } from './jwks-cache';

export interface TokenVerifierOptions {
  /** The issuer's JWKS (the user service's `/.well-known/jwks.json`). */
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Replaces fetching jwksUrl, e.g. the user service verifying with its own keys, or a test. */
  fetchJwks?: JwksFetcher;
  /** Default 5 s. */
  refetchCooldownMs?: number;
  /** Default 10 min. */
  maxKeyAgeMs?: number;
  /** Clock skew allowed on exp and nbf, in seconds; default 5. */
  clockToleranceSeconds?: number;
  /** Tokens remembered as verified (each until it expires, or maxKeyAgeMs after its check); default 10,000, 0: none. */
  verifiedCacheSize?: number;
}

/** The one signature algorithm we accept; pinning it is what rules out `none` and HS256-with-the-public-key. */
const ALGORITHM = 'RS256';

/** Verifies access tokens signed by the user service: RS256 only, known kid, signature, iss, aud, exp, nbf. */
export class TokenVerifier {
  private readonly keys: JwksCache;
  /**
   * Tokens already verified, by their exact text, with when to stop trusting the check: an RS256 signature check is
   * most of what a request costs the gateway and a service, and a client sends the same token for 15 minutes.
   * No later than the token's exp, nor than the key cache would keep its key (so a key taken out of the JWKS stops
   * being accepted as late as it does without this cache). Insertion-ordered: the oldest goes first when full.
   */
  private readonly verified = new Map<string, { user: AuthUser; until: number }>();

  /** How long a fetched key is trusted, and so how long a check made with it is. */
  private get maxKeyAgeMs(): number {
    return this.options.maxKeyAgeMs ?? 600_000;
  }

  constructor(private readonly options: TokenVerifierOptions) {
    this.keys = new JwksCache(options.fetchJwks ?? httpJwksFetcher(options.jwksUrl), {
      refetchCooldownMs: options.refetchCooldownMs ?? 5_000,
      maxAgeMs: this.maxKeyAgeMs,
    });
  }

  /** The caller a token stands for; throws 401 `AUTH.INVALID_TOKEN` (503 `AUTH.KEYS_UNAVAILABLE` if no keys can be had). */
  async verify(token: string): Promise<AuthUser> {
    const known = this.verified.get(token);
    if (known && Date.now() < known.until) return known.user;
    if (known) this.verified.delete(token);
    const { user, exp } = await this.check(token);
    this.remember(token, user, Math.min(exp * 1000, Date.now() + this.maxKeyAgeMs));
    return user;
  }

  private remember(token: string, user: AuthUser, until: number): void {
    const size = this.options.verifiedCacheSize ?? 10_000;
    if (size <= 0) return;
    if (this.verified.size >= size) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { user, until });
  }

  private async check(token: string): Promise<{ user: AuthUser; exp: number }> {
    if (typeof token !== 'string' || !/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) throw invalidToken('malformed');
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw invalidToken('malformed header');
    }
    // Checked before any key is looked up; jwtVerify checks it again.
    if (alg !== ALGORITHM) throw invalidToken(`algorithm ${String(alg)} is not accepted`);
    try {
      const { payload } = await jwtVerify(token, (header) => this.keys.keyFor(header), {
        algorithms: [ALGORITHM],
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
      });
      const role = payload.role as Role;
      if (!payload.sub || !ROLES.includes(role)) throw invalidToken('no valid subject or role');
      return { user: { id: payload.sub, role }, exp: payload.exp! };
    } catch (e) {
      if (e instanceof HttpException) throw e;
      throw invalidToken(reason(e));
    }
  }
}

function reason(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'expired';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (e instanceof errors.JWTClaimValidationFailed) return `${e.claim} claim check failed (${e.reason})`;
  return (e as Error).message ?? 'unreadable';
}
