import { ArgumentsHost, BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { IsEmail, IsString, MinLength } from 'class-validator';
import { DomainError } from '@homestore/domain';
import { ErrorBody, HttpErrorFilter, requestValidationPipe } from './http-errors';

function render(error: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  const out = { status: 0, body: undefined as unknown as ErrorBody, headers: {} as Record<string, string> };
  const res = {
    headersSent: false,
    setHeader: (name: string, value: string) => (out.headers[name] = value),
    status: (s: number) => ((out.status = s), res),
    json: (b: ErrorBody) => (out.body = b),
  };
  new HttpErrorFilter().catch(error, { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost);
  return out;
}

class SignupBody {
  @IsEmail() email: string;
  @IsString() @MinLength(8) password: string;
}

describe('HTTP errors', () => {
  it('maps a domain error to its status and stable code', () => {
    expect(render(new DomainError('ORDER.NOT_CANCELABLE', 'Order is delivered'))).toEqual({
      status: 409,
      body: { statusCode: 409, code: 'ORDER.NOT_CANCELABLE', message: 'Order is delivered' },
      headers: {},
    });
  });

  it('answers a domain error by the reason in its code: NOT_FOUND 404, INVALID_ 400, INVALID_CREDENTIALS 401, UNKNOWN_ 422, TOO_MANY_ 429, else 409', () => {
    const statusOf = (code: string) => render(new DomainError(code, 'why')).status;
    expect(statusOf('ORDER.NOT_FOUND')).toBe(404);
    expect(statusOf('STORE.ORDER_NOT_FOUND')).toBe(404);
    expect(statusOf('MYPAGE.INVALID_CURSOR')).toBe(400);
    expect(statusOf('AUTH.INVALID_CREDENTIALS')).toBe(401);
    expect(statusOf('ORDER.UNKNOWN_PRODUCT')).toBe(422);
    expect(statusOf('AUTH.TOO_MANY_ATTEMPTS')).toBe(429);
    expect(statusOf('STORE.ORDER_NOT_RECEIVED')).toBe(409);
    expect(statusOf('USER.EMAIL_TAKEN')).toBe(409);
  });

  it('gives Nest exceptions a code from their status', () => {
    expect(render(new NotFoundException('No such order')).body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'No such order' });
    expect(render(new ConflictException()).body.code).toBe('CONFLICT');
  });

  it('names malformed JSON and oversize bodies from the body parser', () => {
    expect(render(Object.assign(new SyntaxError('Unexpected token'), { status: 400, type: 'entity.parse.failed' })).body.code).toBe('REQUEST.MALFORMED_JSON');
    expect(render(Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' })).body).toMatchObject({ statusCode: 413, code: 'REQUEST.TOO_LARGE' });
  });

  it('names malformed JSON as Nest hands it over (a BadRequestException with the parser message)', () => {
    let parserMessage = '';
    try {
      JSON.parse('{"email": ');
    } catch (e) {
      parserMessage = (e as Error).message;
    }
    expect(render(new BadRequestException(parserMessage)).body).toEqual({ statusCode: 400, code: 'REQUEST.MALFORMED_JSON', message: parserMessage });
    expect(render(new BadRequestException('Validation failed (uuid is expected)')).body.code).toBe('REQUEST.INVALID');
  });

  it('answers 503 DATABASE.UNAVAILABLE with Retry-After when the database cannot be had now (no connection freed up in time, refused, shutting down)', () => {
    const unavailable = [
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated due to connection timeout'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('sorry, too many clients already'), { code: '53300' }),
    ];
    for (const error of unavailable) {
      const { status, body, headers } = render(error);
      expect([status, body.code, headers['Retry-After']]).toEqual([503, 'DATABASE.UNAVAILABLE', '1']);
      expect(body.message).toMatch(/try again/);
    }
    // A statement that is wrong is no outage.
    expect(render(Object.assign(new Error('duplicate key value'), { code: '23505' })).status).toBe(500);
  });

  it('hides unexpected errors behind a 500', () => {
    expect(render(new TypeError('x is undefined')).body).toEqual({ statusCode: 500, code: 'INTERNAL', message: 'Something went wrong on our side' });
  });

  it('lists every invalid field and rejects unknown ones', async () => {
    const pipe = requestValidationPipe();
    let error: unknown;
    try {
      await pipe.transform({ email: 'nope', password: 'short', isAdmin: true }, { type: 'body', metatype: SignupBody });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BadRequestException);
    const { status, body } = render(error);
    expect(status).toBe(400);
    expect(body.code).toBe('REQUEST.VALIDATION_FAILED');
    expect(body.fields!.map((f) => f.field).sort()).toEqual(['email', 'isAdmin', 'password']);
  });
});
