import { CreateMessagingTables1763800000000 } from '@homestore/messaging';
import { CreatePayments1764000000000 } from './1764000000000-create-payments';
import { PaymentWaitsForPoints1766000000000 } from './1766000000000-payment-waits-for-points';

/** Every migration of the payment database, oldest first. */
export const paymentMigrations = [CreateMessagingTables1763800000000, CreatePayments1764000000000, PaymentWaitsForPoints1766000000000];
