import { Controller, Get, Param, Query } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { CurrentUser, Roles } from '@homestore/auth';
import type { AuthUser } from '@homestore/auth';
import { OrderNotFound } from '../domain/order.errors';
import type { MyPageOrder } from './mypage-projection';
import { MyPagePaging, MyPageQuery } from './mypage.page';
import { MyPageStore } from './mypage.store';

/** A voided payment never took anything: to the customer it is NONE, as DESIGN.md lists the payment statuses. */
const view = (row: MyPageOrder) => ({
  orderId: row.orderId,
  status: row.status,
  paymentStatus: row.payment === 'VOIDED' ? 'NONE' : row.payment,
  deliveryStatus: row.delivery,
  totalAmount: row.totalAmount,
  pointsUsed: row.pointsUsed,
  pointsEarned: row.pointsEarned,
  items: row.items ?? [],
  updatedAt: row.updatedAt,
  history: row.history.map(({ eventType, occurredAt }) => ({ eventType, occurredAt })),
});

@Controller('mypage')
@Roles('customer')
export class MyPageController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: MyPageStore,
  ) {}

  /** A page of the customer's orders, most recently changed first; `nextCursor` (null on the last page) asks for the next. */
  @Get()
  async list(@CurrentUser() user: AuthUser, @Query() query: MyPageQuery) {
    const after = MyPagePaging.after(query.before);
    const page = await this.store.pageOfCustomer(this.dataSource.manager, user.id, { limit: query.limit, after, status: query.status });
    return { orders: page.rows.map(view), nextCursor: MyPagePaging.nextCursor(page.next) };
  }

  @Get('orders/:id')
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const [row] = isUUID(id) ? await this.store.find(this.dataSource.manager, [id]) : [];
    if (!row || row.customerId !== user.id) throw new OrderNotFound(id);
    return view(row);
  }
}
