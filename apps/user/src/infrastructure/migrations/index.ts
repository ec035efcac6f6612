import { CreateMessagingTables1763800000000 } from '@homestore/messaging';
import { CreateUsers1763900000000 } from './1763900000000-create-users';
import { LoginFailures1765000000000 } from './1765000000000-login-failures';

/** Every migration of the user database, oldest first. */
export const userMigrations = [CreateMessagingTables1763800000000, CreateUsers1763900000000, LoginFailures1765000000000];
