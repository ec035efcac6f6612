import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthUser, Role } from './auth-user';

export const IS_PUBLIC = 'homestore:auth:public';
export const REQUIRED_ROLES = 'homestore:auth:roles';

/** A request that passed AuthGuard: `user` comes from its verified token. */
export interface AuthenticatedRequest extends Request {
  user: AuthUser;
}

/** The route (or every route of the controller) needs no token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** Only callers with one of these roles may use the route (403 `AUTH.FORBIDDEN` otherwise). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLES, roles);

/** The verified caller of the request, set by AuthGuard. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().user;
});
