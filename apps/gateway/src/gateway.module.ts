import { DynamicModule, Module } from '@nestjs/common';
import { TokenVerifier } from '@homestore/auth';
import { PlatformModule } from '@homestore/platform';
import { DocsController } from './docs/docs.controller';
import { GatewayConfig } from './gateway.config';
import { GatewayProxy } from './gateway-proxy';
import { RouteTable } from './routes';
import { Upstreams } from './upstreams';

/**
 * The HTTP edge: no database and no Kafka of its own; its readiness is its upstreams'. GatewayProxy forwards the
 * public API; Nest's controllers answer only /health, /metrics and /docs.
 */
@Module({})
export class GatewayModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [PlatformModule.forRoot('gateway', config)],
      controllers: [DocsController],
      providers: [
        GatewayProxy,
        Upstreams,
        { provide: RouteTable, useValue: new RouteTable() },
        {
          provide: TokenVerifier,
          useValue: new TokenVerifier({ jwksUrl: config.AUTH_JWKS_URL, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE }),
        },
      ],
    };
  }
}
