import { CreateMessagingTables1763800000000 } from '@homestore/messaging';
import { CreateCatalogAndStoreOrders1764000000000 } from './1764000000000-create-catalog-and-store-orders';
import { StoreOrderPages1765000000000 } from './1765000000000-store-order-pages';

/** Every migration of the ordermanagement database, oldest first. */
export const orderManagementMigrations = [CreateMessagingTables1763800000000, CreateCatalogAndStoreOrders1764000000000, StoreOrderPages1765000000000];
