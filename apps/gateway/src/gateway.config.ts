import { ServiceConfig } from '@homestore/platform';
import { IsInt, IsUrl, Max, Min } from 'class-validator';

const url = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

/** The gateway's settings; AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE come from ServiceConfig. */
export class GatewayConfig extends ServiceConfig {
  override PORT: number = 8080;

  // Where each upstream service answers (its own port; a Service name on Kubernetes).
  @IsUrl(url) USER_URL: string = 'http://127.0.0.1:3001';
  @IsUrl(url) ORDER_URL: string = 'http://127.0.0.1:3002';
  @IsUrl(url) PAYMENT_URL: string = 'http://127.0.0.1:3003';
  @IsUrl(url) ORDERMANAGEMENT_URL: string = 'http://127.0.0.1:3004';
  @IsUrl(url) DELIVERY_URL: string = 'http://127.0.0.1:3005';
  @IsUrl(url) MESSAGE_URL: string = 'http://127.0.0.1:3006';
  @IsUrl(url) MILEAGE_URL: string = 'http://127.0.0.1:3007';

  /** An upstream that has not answered (status and headers) in this time gets 504 and counts as a breaker failure. */
  @IsInt() @Min(1) @Max(120_000)
  UPSTREAM_TIMEOUT_MS: number = 3000;

  /** Consecutive failures (refused, reset, timed out, 502/503/504) that open an upstream's circuit. */
  @IsInt() @Min(1) @Max(1000)
  BREAKER_FAILURE_THRESHOLD: number = 5;

  /** How long an open circuit answers 503 at once before it lets one trial request through. */
  @IsInt() @Min(100) @Max(600_000)
  BREAKER_COOLDOWN_MS: number = 5000;

  /** Requests per client IP and per user (token subject) allowed in each window; 429 beyond. */
  @IsInt() @Min(1)
  RATE_LIMIT_IP: number = 600;

  @IsInt() @Min(1)
  RATE_LIMIT_USER: number = 300;

  @IsInt() @Min(100) @Max(3_600_000)
  RATE_LIMIT_WINDOW_MS: number = 10_000;

  /** Proxies in front of the gateway whose X-Forwarded-For entries are trusted for the client IP (0: use the peer address). */
  @IsInt() @Min(0) @Max(10)
  TRUSTED_PROXY_HOPS: number = 0;

  /** Timeout of each upstream's /health/ready call made by the gateway's readiness. */
  @IsInt() @Min(50) @Max(1900)
  READINESS_TIMEOUT_MS: number = 1000;
}
