import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { DomainError } from '@homestore/domain';
import { ORDER_STATUSES, OrderStatus } from '../domain/order';
import type { MyPagePosition } from './mypage.store';

/** GET /mypage?status=&limit=&before=: a page of the customer's orders, most recently changed first. */
export class MyPageQuery {
  /** Only the orders in this status (a client waiting for its orders to ship asks for SHIPPING). */
  @IsOptional() @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  /** Orders on the page (1–100). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit: number = 20;

  /** The `nextCursor` of the page before. */
  @IsOptional() @IsString()
  before?: string;
}

export class InvalidMyPageCursor extends DomainError {
  constructor() {
    super('MYPAGE.INVALID_CURSOR', 'before must be a nextCursor that GET /mypage returned');
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The opaque cursor a client hands back for the next page: where the page ended. */
export const MyPageCursor = {
  encode: (p: MyPagePosition): string => Buffer.from(`${p.updatedAt}|${p.orderId}`).toString('base64url'),
  decode(cursor: string): MyPagePosition {
    const [updatedAt, orderId, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
    if (rest.length || !UUID.test(orderId ?? '') || Number.isNaN(Date.parse(updatedAt)) || new Date(updatedAt).toISOString() !== updatedAt) {
      throw new InvalidMyPageCursor();
    }
    return { updatedAt, orderId };
  },
};
