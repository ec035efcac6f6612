import { DynamicModule, Global, InjectionToken, Module, ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ServiceConfig } from '@homestore/platform';
import { AuthGuard } from './auth.guard';
import type { JwksFetcher } from './jwks-cache';
import { TokenVerifier } from './token-verifier';

/** A provider of the public keys, for the issuer itself, which has them without fetching its own JWKS. */
export interface JwksSource {
  jwks: JwksFetcher;
}

export interface AuthModuleOptions {
  /** Modules that provide `jwksSource`. */
  imports?: ModuleMetadata['imports'];
  /** A JwksSource provider to read keys from instead of AUTH_JWKS_URL. */
  jwksSource?: InjectionToken;
}

/**
 * Token checks for a whole app: provides TokenVerifier (from AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE) and
 * registers AuthGuard globally, so every route needs a valid token unless marked @Public().
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions = {}): DynamicModule {
    const inject: InjectionToken[] = options.jwksSource ? [ServiceConfig, options.jwksSource] : [ServiceConfig];
    return {
      module: AuthModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: TokenVerifier,
          inject,
          useFactory: (config: ServiceConfig, source?: JwksSource) =>
            new TokenVerifier({
              jwksUrl: config.AUTH_JWKS_URL,
              issuer: config.AUTH_ISSUER,
              audience: config.AUTH_AUDIENCE,
              fetchJwks: source && (() => source.jwks()),
            }),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [TokenVerifier],
    };
  }
}
