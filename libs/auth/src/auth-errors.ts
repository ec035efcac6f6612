import { ForbiddenException, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import type { ErrorBody } from '@homestore/platform';

/** 401 `AUTH.INVALID_TOKEN`: no token, or one that is not a valid access token of ours (the message says why). */
export function invalidToken(reason: string): UnauthorizedException {
  return new UnauthorizedException({ statusCode: 401, code: 'AUTH.INVALID_TOKEN', message: `Invalid access token: ${reason}` } satisfies ErrorBody);
}

/** 403 `AUTH.FORBIDDEN`: a valid token whose role may not use this route. */
export function forbidden(message: string): ForbiddenException {
  return new ForbiddenException({ statusCode: 403, code: 'AUTH.FORBIDDEN', message } satisfies ErrorBody);
}

/** 503 `AUTH.KEYS_UNAVAILABLE`: the signing keys could not be fetched, so no token can be checked right now. */
export function keysUnavailable(reason: string): ServiceUnavailableException {
  return new ServiceUnavailableException({
    statusCode: 503,
    code: 'AUTH.KEYS_UNAVAILABLE',
    message: `Token signing keys are unavailable: ${reason}`,
  } satisfies ErrorBody);
}
