import { ServiceConfig } from '@homestore/platform';
import { IsInt, isURL, Max, Min, ValidateBy } from 'class-validator';

const url = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

/** The URLs of a `<NAME>_URL`: one, or several separated by commas (the processes of one service, called in turn). */
export const urlsOf = (value: string): string[] => value.split(',').map((u) => u.trim());

function IsUrlList(): PropertyDecorator {
  return ValidateBy({
    name: 'isUrlList',
    validator: {
      validate: (value) => typeof value === 'string' && urlsOf(value).every((u) => isURL(u, url)),
      defaultMessage: (args) => `${args?.property} must be an http(s) URL, or several separated by commas`,
    },
  });
}

/** The gateway's settings; AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE come from ServiceConfig. */
export class GatewayConfig extends ServiceConfig {
  override PORT: number = 8080;

  // Where each upstream service answers (its own port; a Service name on Kubernetes). Several processes of a service
  // with no load balancer in front: their URLs separated by commas, called in turn (see Upstreams).
  @IsUrlList() USER_URL: string = 'http://127.0.0.1:3001';
  @IsUrlList() ORDER_URL: string = 'http://127.0.0.1:3002';
  @IsUrlList() PAYMENT_URL: string = 'http://127.0.0.1:3003';
  @IsUrlList() ORDERMANAGEMENT_URL: string = 'http://127.0.0.1:3004';
  @IsUrlList() DELIVERY_URL: string = 'http://127.0.0.1:3005';
  @IsUrlList() MESSAGE_URL: string = 'http://127.0.0.1:3006';
  @IsUrlList() MILEAGE_URL: string = 'http://127.0.0.1:3007';

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
