import { Body, Controller, Get, Header, HttpCode, Patch, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { AuthUser, CurrentUser, Public, Roles } from '@homestore/auth';
import { AccessToken, SigningKeys } from './access-tokens';
import { LoginBody, SignupBody, UpdateProfileBody } from './dto';
import type { UserProfile } from './user.entity';
import { UsersService } from './users.service';

@Public()
@Controller('auth')
export class AuthController {
  constructor(private readonly users: UsersService) {}

  @Post('signup')
  signUp(@Body() body: SignupBody): Promise<UserProfile> {
    return this.users.signUp(body);
  }

  @Post('login')
  @HttpCode(200)
  logIn(@Body() body: LoginBody, @Req() req: Request): Promise<AccessToken> {
    return this.users.logIn(body.email, body.password, clientIpOf(req));
  }
}

/** The client's address: the gateway replaces X-Forwarded-For with it (any the client sent is dropped). */
function clientIpOf(req: Request): string {
  const forwarded = req.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || req.socket.remoteAddress || 'unknown';
}

@Roles('customer', 'store')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  me(@CurrentUser() user: AuthUser): Promise<UserProfile> {
    return this.users.profile(user.id);
  }

  @Patch('me')
  updateMe(@CurrentUser() user: AuthUser, @Body() body: UpdateProfileBody): Promise<UserProfile> {
    return this.users.updateProfile(user.id, body);
  }
}

/** The public keys that verify our access tokens, for the gateway and every service (libs/auth). */
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeys) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): Promise<unknown> {
    return this.keys.jwks();
  }
}
