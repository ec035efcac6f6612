import { CreateMessagingTables1763800000000 } from '@homestore/messaging';
import { CreateOrders1764000000000 } from './1764000000000-create-orders';
import { CreateMyPage1764000000001 } from './1764000000001-create-mypage';
import { MyPagePages1764000000002 } from './1764000000002-mypage-pages';
import { MyPageHistoryInRow1764000000003 } from './1764000000003-mypage-history-in-row';
import { OrderCancelReason1764000000004 } from './1764000000004-order-cancel-reason';
import { OrderPages1765000000000 } from './1765000000000-order-pages';
import { CreateCarts1765000000001 } from './1765000000001-create-carts';
import { OrderPoints1766000000000 } from './1766000000000-order-points';
import { MyPagePoints1766000000001 } from './1766000000001-mypage-points';

/** Every migration of the order database, oldest first. */
export const orderMigrations = [
  CreateMessagingTables1763800000000, CreateOrders1764000000000, CreateMyPage1764000000001, MyPagePages1764000000002, MyPageHistoryInRow1764000000003,
  OrderCancelReason1764000000004, OrderPages1765000000000, CreateCarts1765000000001, OrderPoints1766000000000, MyPagePoints1766000000001,
];
