import type { IncomingMessage } from 'node:http';
import { HttpException } from '@nestjs/common';
import { bearerToken, forbidden, TokenVerifier } from '@homestore/auth';
import { ServiceConfig } from '@homestore/platform';

/** Addresses only this machine can reach: a console bound to one of them needs no token. */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

/** Why a request was refused, as the services answer it (status and ErrorBody). */
export interface Refusal {
  status: number;
  body: unknown;
}

/**
 * Who may use the console's API. On a loopback address, whoever can reach it: the developer on this machine.
 * Anywhere else (beside Kafdrop in a cluster), only a caller with a store-role access token, verified as every
 * service verifies it (libs/auth's TokenVerifier against the user service's JWKS), since the console shows every
 * order and customer on the bus and can send dead letters back.
 */
export class ConsoleAccess {
  constructor(private readonly verifier?: TokenVerifier) {}

  static forHost(host: string, env: NodeJS.ProcessEnv = process.env): ConsoleAccess {
    if (isLoopback(host)) return new ConsoleAccess();
    // The services' own settings and defaults (libs/platform's ServiceConfig), so a token one accepts, it accepts.
    const services = new ServiceConfig();
    return new ConsoleAccess(
      new TokenVerifier({
        jwksUrl: env.AUTH_JWKS_URL || services.AUTH_JWKS_URL,
        issuer: env.AUTH_ISSUER || services.AUTH_ISSUER,
        audience: env.AUTH_AUDIENCE || services.AUTH_AUDIENCE,
      }),
    );
  }

  get needsToken(): boolean {
    return this.verifier !== undefined;
  }

  /** Undefined when the request may go on, else the refusal to answer with (401, 403 or 503). */
  async refusal(req: IncomingMessage): Promise<Refusal | undefined> {
    if (!this.verifier) return undefined;
    try {
      const user = await this.verifier.verify(bearerToken(req.headers.authorization));
      if (user.role !== 'store') throw forbidden('The developer console needs the store role');
      return undefined;
    } catch (e) {
      if (e instanceof HttpException) return { status: e.getStatus(), body: e.getResponse() };
      throw e;
    }
  }
}
