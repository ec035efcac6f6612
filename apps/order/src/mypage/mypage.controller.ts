import { Controller, Get, Param } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { CurrentUser, Roles } from '@homestore/auth';
import type { AuthUser } from '@homestore/auth';
import { OrderNotFound } from '../domain/order.errors';
import type { MyPageOrder } from './mypage-projection';
import { MyPageStore } from './mypage.store';

const view = (row: MyPageOrder) => ({
  orderId: row.orderId,
  status: row.status,
  paymentStatus: row.payment,
  deliveryStatus: row.delivery,
  totalAmount: row.totalAmount,
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

  @Get()
  async list(@CurrentUser() user: AuthUser) {
    return { orders: (await this.store.ofCustomer(this.dataSource.manager, user.id)).map(view) };
  }

  @Get('orders/:id')
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const [row] = isUUID(id) ? await this.store.find(this.dataSource.manager, [id]) : [];
    if (!row || row.customerId !== user.id) throw new OrderNotFound(id);
    return view(row);
  }
}
