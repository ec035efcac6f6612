import { HttpException } from '@nestjs/common';
import type { ErrorBody } from '@homestore/platform';
import type { ServerResponse } from 'node:http';

function body(statusCode: number, code: string, message: string): ErrorBody {
  return { statusCode, code, message };
}

/** An answer the client may retry after `retryAfterSeconds` (sent as Retry-After). */
export class RetryLater extends HttpException {
  constructor(
    status: 429 | 503,
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(body(status, code, message), status);
  }

  /** Sets Retry-After on the response when the error is a RetryLater; returns the error to rethrow. */
  static annotate(res: ServerResponse, error: unknown): unknown {
    if (error instanceof RetryLater && !res.headersSent) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    return error;
  }
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export const rateLimited = (retryAfterMs: number) =>
  new RetryLater(429, 'RATE_LIMITED', 'Too many requests; retry later', seconds(retryAfterMs));

export const upstreamUnavailable = (upstream: string, why: string, retryAfterMs: number) =>
  new RetryLater(503, 'UPSTREAM.UNAVAILABLE', `The ${upstream} service is unavailable (${why})`, seconds(retryAfterMs));

export const upstreamTimeout = (upstream: string, timeoutMs: number) =>
  new HttpException(body(504, 'UPSTREAM.TIMEOUT', `The ${upstream} service did not answer within ${timeoutMs} ms`), 504);

export const notFound = (method: string, path: string) =>
  new HttpException(body(404, 'NOT_FOUND', `No route for ${method} ${path}`), 404);

export const methodNotAllowed = (method: string, path: string) =>
  new HttpException(body(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`), 405);

export const unsupportedMediaType = () =>
  new HttpException(body(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be application/json'), 415);

export const malformedJson = (message: string) => new HttpException(body(400, 'REQUEST.MALFORMED_JSON', `Malformed JSON body: ${message}`), 400);

export const tooLarge = () => new HttpException(body(413, 'REQUEST.TOO_LARGE', 'The request body is over 64 KiB'), 413);

/** A body-parser error as the gateway's answer; other errors unchanged. */
export function bodyError(error: unknown): unknown {
  const type = (error as { type?: string } | null)?.type;
  if (type === 'entity.parse.failed') return malformedJson((error as Error).message);
  if (type === 'entity.too.large') return tooLarge();
  return error;
}
