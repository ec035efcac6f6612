import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HealthController } from '@homestore/platform';
import { forbidden, invalidToken } from './auth-errors';
import type { Role } from './auth-user';
import { AuthenticatedRequest, IS_PUBLIC, REQUIRED_ROLES } from './decorators';
import { TokenVerifier } from './token-verifier';

/** The token of an `Authorization: Bearer <token>` header; throws 401 when it is missing or not a bearer token. */
export function bearerToken(authorization: string | undefined): string {
  if (!authorization) throw invalidToken('missing (send Authorization: Bearer <token>)');
  const match = /^Bearer +(\S+)\s*$/i.exec(authorization);
  if (!match) throw invalidToken('the Authorization header is not a Bearer token');
  return match[1];
}

/**
 * Global guard: every route needs a valid bearer token unless it is @Public() (health and metrics always are),
 * and a token with one of the route's @Roles(). The caller's identity comes only from the token, never from
 * headers a client could set.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (context.getClass() === HealthController || this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    req.user = await this.verifier.verify(bearerToken(req.headers.authorization));
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles?.length && !roles.includes(req.user.role)) throw forbidden(`This needs the ${roles.join(' or ')} role`);
    return true;
  }
}
