import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Roles } from '@homestore/auth';
import { Paging } from '@homestore/platform';
import { StoreOrders, StoreOrderView } from '../application/store-orders';
import { StoreOrderQuery } from './dto';

/** GET /store/orders's cursors; a bad one is 400 `STORE.INVALID_CURSOR`. */
const STORE_ORDERS = new Paging('STORE', 'GET /store/orders');

@Roles('store')
@Controller('store/orders')
export class StoreOrdersController {
  constructor(private readonly storeOrders: StoreOrders) {}

  /** A page of the store's orders, newest first; `nextCursor` (null on the last page) asks for the next. */
  @Get()
  async list(@Query() query: StoreOrderQuery): Promise<{ orders: StoreOrderView[]; nextCursor: string | null }> {
    const page = await this.storeOrders.page({ status: query.status, limit: query.limit, after: STORE_ORDERS.after(query.before) });
    return { orders: page.rows, nextCursor: STORE_ORDERS.nextCursor(page.next) };
  }

  @Post(':orderId/accept')
  @HttpCode(200)
  accept(@Param('orderId') orderId: string): Promise<StoreOrderView> {
    return this.storeOrders.accept(orderId);
  }
}
