import { CreateMessagingTables1763800000000 } from '@homestore/messaging';
import { CreateNotifications1764000000000 } from './1764000000000-create-notifications';
import { NotificationPages1765000000000 } from './1765000000000-notification-pages';

/** Every migration of the message database, oldest first. */
export const messageMigrations = [CreateMessagingTables1763800000000, CreateNotifications1764000000000, NotificationPages1765000000000];
