import { IsIn, IsOptional } from 'class-validator';
import { PageQuery, Paging } from '@homestore/platform';
import { ORDER_STATUSES, OrderStatus } from '../domain/order';

/** GET /mypage?status=&limit=&before=: a page of the customer's orders, most recently changed first. */
export class MyPageQuery extends PageQuery {
  /** Only the orders in this status (a client waiting for its orders to ship asks for SHIPPING). */
  @IsOptional() @IsIn(ORDER_STATUSES)
  status?: OrderStatus;
}

/** GET /mypage's cursors; a bad one is 400 `MYPAGE.INVALID_CURSOR`. */
export const MyPagePaging = new Paging('MYPAGE', 'GET /mypage');
