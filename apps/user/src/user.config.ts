import { createPrivateKey } from 'node:crypto';
import { Transform } from 'class-transformer';
import { IsEmail, IsInt, Max, MaxLength, Min, MinLength, ValidateBy, ValidateIf, ValidationArguments } from 'class-validator';
import { ServiceConfig } from '@homestore/platform';

/** The documented local store-clerk login; refused under NODE_ENV=production. */
export const LOCAL_STORE_ADMIN = { email: 'store@homestore.local', password: 'homestore-store-1' } as const;

/** Refuses the documented local default of a variable when NODE_ENV=production. */
function NotTheLocalDefaultInProduction(localDefault: string): PropertyDecorator {
  return ValidateBy({
    name: 'notTheLocalDefaultInProduction',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => (args?.object as ServiceConfig).NODE_ENV !== 'production' || value !== localDefault,
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property} is the documented local default, refused when NODE_ENV=production: set your own`,
    },
  });
}

/** An RSA private key in PEM that can sign RS256 (at least 2048 bits). */
function IsRsaSigningKey(): PropertyDecorator {
  return ValidateBy({
    name: 'isRsaSigningKey',
    validator: {
      validate: (value: unknown) => {
        try {
          const key = createPrivateKey(value as string);
          return key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048;
        } catch {
          return false;
        }
      },
      defaultMessage: () =>
        'AUTH_PRIVATE_KEY must be an RSA private key in PEM (at least 2048 bits); it is required when NODE_ENV=production',
    },
  });
}

export class UserConfig extends ServiceConfig {
  override PORT: number = 3001;

  /**
   * The RS256 key that signs access tokens (PEM; `\n` escapes allowed), from a Secret in production. Unset
   * outside production: a key is generated at first start and kept in the user database.
   */
  @ValidateIf((c: UserConfig) => c.NODE_ENV === 'production' || c.AUTH_PRIVATE_KEY !== undefined)
  @IsRsaSigningKey()
  @Transform(({ value }) => (typeof value === 'string' ? value.replace(/\\n/g, '\n') : value))
  AUTH_PRIVATE_KEY?: string;

  /** Lifetime of an access token. */
  @IsInt() @Min(60) @Max(86_400)
  AUTH_TOKEN_TTL_SECONDS: number = 900;

  /** The store clerk account (role store) created at start-up. */
  @IsEmail() @NotTheLocalDefaultInProduction(LOCAL_STORE_ADMIN.email)
  STORE_ADMIN_EMAIL: string = LOCAL_STORE_ADMIN.email;

  @MinLength(8) @MaxLength(200) @NotTheLocalDefaultInProduction(LOCAL_STORE_ADMIN.password)
  STORE_ADMIN_PASSWORD: string = LOCAL_STORE_ADMIN.password;

  /** Failed logins allowed per window for one account from one client address (then 429 AUTH.TOO_MANY_ATTEMPTS). */
  @IsInt() @Min(1) @Max(1000)
  LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_CLIENT: number = 5;

  /** Failed logins allowed per window for one account from any address. */
  @IsInt() @Min(1) @Max(10_000)
  LOGIN_MAX_FAILURES_PER_ACCOUNT: number = 20;

  /** Failed logins allowed per window from one client address, whatever the accounts. */
  @IsInt() @Min(1) @Max(10_000)
  LOGIN_MAX_FAILURES_PER_CLIENT: number = 30;

  /** The window failed logins are counted in; a key at its limit waits for the end of its window. */
  @IsInt() @Min(1) @Max(3600)
  LOGIN_FAILURE_WINDOW_SECONDS: number = 60;
}
