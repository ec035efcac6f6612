import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '@homestore/domain';
import { isDatabaseUnavailable } from '@homestore/persistence';

/** The one error body of every HTTP answer: `{ statusCode, code, message }`, plus `fields` for validation errors. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  fields?: { field: string; errors: string[] }[];
}

/**
 * The HTTP status of a broken business rule, by the reason in its code (`AREA.REASON`); any other reason means the
 * request conflicts with the state things are in (409).
 */
const STATUS_BY_REASON: [RegExp, number][] = [
  [/(^|_)NOT_FOUND$/, HttpStatus.NOT_FOUND],
  [/^INVALID_CREDENTIALS$/, HttpStatus.UNAUTHORIZED],
  [/^INVALID_/, HttpStatus.BAD_REQUEST],
  [/^UNKNOWN_/, HttpStatus.UNPROCESSABLE_ENTITY],
  [/^TOO_MANY_/, HttpStatus.TOO_MANY_REQUESTS],
];

/** The HTTP status that answers a domain error of this code. */
export function statusOfDomainError(code: string): number {
  const reason = code.slice(code.indexOf('.') + 1);
  return STATUS_BY_REASON.find(([pattern]) => pattern.test(reason))?.[1] ?? HttpStatus.CONFLICT;
}

/** A request that could not get a database connection in time (overload) or at all (outage): 503, Retry-After. */
const DATABASE_UNAVAILABLE = 'DATABASE.UNAVAILABLE';

const CODES_BY_STATUS: Record<number, string> = {
  400: 'REQUEST.INVALID',
  401: 'AUTH.UNAUTHENTICATED',
  403: 'AUTH.FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'REQUEST.TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  422: 'REQUEST.UNPROCESSABLE',
  429: 'RATE_LIMITED',
  503: 'UPSTREAM.UNAVAILABLE',
};

function flatten(errors: ValidationError[], prefix = ''): { field: string; errors: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix + e.property;
    const own = e.constraints ? [{ field, errors: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], `${field}.`)];
  });
}

/** Validation of every request body and query: unknown fields rejected, each bad field listed. */
export function requestValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) =>
      new BadRequestException({
        statusCode: 400,
        code: 'REQUEST.VALIDATION_FAILED',
        message: 'The request has invalid fields',
        fields: flatten(errors),
      } satisfies ErrorBody),
  });
}

/** Maps every error to ErrorBody: domain errors by their code, Nest/HTTP errors by status, the rest to 500. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(error);
    if (body.statusCode >= 500 && body.statusCode !== 503) this.logger.error((error as Error)?.stack ?? String(error));
    if (res.headersSent) return;
    if (body.code === DATABASE_UNAVAILABLE) res.setHeader('Retry-After', '1');
    if (error instanceof DomainError && error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    res.status(body.statusCode).json(body);
  }

  private toBody(error: unknown): ErrorBody {
    if (error instanceof DomainError) return { statusCode: statusOfDomainError(error.code), code: error.code, message: error.message };
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      if (typeof response === 'object' && response !== null && 'code' in response) return response as ErrorBody;
      const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? error.message);
      // Nest turns body-parser's SyntaxError into a plain BadRequestException keeping only JSON.parse's message.
      if (status === 400 && /\bJSON\b/.test(message)) return { statusCode: 400, code: 'REQUEST.MALFORMED_JSON', message };
      return { statusCode: status, code: CODES_BY_STATUS[status] ?? `HTTP.${status}`, message };
    }
    // body-parser errors (malformed JSON, too large) carry a status of their own
    const status = (error as { status?: number; statusCode?: number })?.status ?? (error as { statusCode?: number })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (error as { type?: string }).type;
      const code = type === 'entity.parse.failed' ? 'REQUEST.MALFORMED_JSON' : CODES_BY_STATUS[status] ?? `HTTP.${status}`;
      return { statusCode: status, code, message: (error as Error).message };
    }
    if (isDatabaseUnavailable(error)) {
      // Most often no connection was had at all (nothing done); a connection lost mid-commit leaves it open, so the
      // answer does not promise either: retrying with the same Idempotency-Key is safe both ways.
      return { statusCode: 503, code: DATABASE_UNAVAILABLE, message: 'The service cannot get to its database right now; try again shortly' };
    }
    return { statusCode: 500, code: 'INTERNAL', message: 'Something went wrong on our side' };
  }
}
