import { CreateMessagingTables1763800000000 } from '@homestore/messaging';
import { CreateDeliveries1764000000000 } from './1764000000000-create-deliveries';

/** Every migration of the delivery database, oldest first. */
export const deliveryMigrations = [CreateMessagingTables1763800000000, CreateDeliveries1764000000000];
