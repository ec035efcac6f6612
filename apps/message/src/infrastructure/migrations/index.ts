import { CreateMessagingTables1763800000000 } from '@homestore/messaging';
import { CreateNotifications1764000000000 } from './1764000000000-create-notifications';

/** Every migration of the message database, oldest first. */
export const messageMigrations = [CreateMessagingTables1763800000000, CreateNotifications1764000000000];
