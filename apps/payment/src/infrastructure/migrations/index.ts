import { CreateMessagingTables1763800000000 } from '@homestore/messaging';
import { CreatePayments1764000000000 } from './1764000000000-create-payments';

/** Every migration of the payment database, oldest first. */
export const paymentMigrations = [CreateMessagingTables1763800000000, CreatePayments1764000000000];
