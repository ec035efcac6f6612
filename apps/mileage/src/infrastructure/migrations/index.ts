import { CreateMessagingTables1763800000000 } from '@homestore/messaging';
import { CreateWallets1766000000000 } from './1766000000000-create-wallets';

/** Every migration of the mileage database, oldest first. */
export const mileageMigrations = [CreateMessagingTables1763800000000, CreateWallets1766000000000];
