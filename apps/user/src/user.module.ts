import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@homestore/auth';
import { MessagingModule } from '@homestore/messaging';
import { DatabaseModule, PlatformModule } from '@homestore/platform';
import { SigningKeys, TokensModule } from './access-tokens';
import { userMigrations } from './infrastructure/migrations';
import { LoginThrottle } from './login-throttle';
import { UserConfig } from './user.config';
import { UserEntity } from './user.entity';
import { AuthController, JwksController, UsersController } from './users.controller';
import { StoreClerk, UsersService } from './users.service';

@Module({})
export class UserModule {
  static register(config: UserConfig): DynamicModule {
    return {
      module: UserModule,
      imports: [
        PlatformModule.forRoot('user', config),
        DatabaseModule.forRoot({ entities: [UserEntity], migrations: userMigrations }),
        MessagingModule.forRoot(),
        TokensModule,
        // The user service verifies tokens with its own keys rather than fetching its own JWKS.
        AuthModule.forRoot({ imports: [TokensModule], jwksSource: SigningKeys }),
      ],
      controllers: [AuthController, UsersController, JwksController],
      providers: [UsersService, StoreClerk, LoginThrottle],
    };
  }
}
