import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Roles } from '@homestore/auth';
import { StoreOrders, StoreOrderView } from '../application/store-orders';
import { StoreOrderQuery } from './dto';

@Roles('store')
@Controller('store/orders')
export class StoreOrdersController {
  constructor(private readonly storeOrders: StoreOrders) {}

  /** Newest first. */
  @Get()
  list(@Query() query: StoreOrderQuery): Promise<StoreOrderView[]> {
    return this.storeOrders.list(query.status);
  }

  @Post(':orderId/accept')
  @HttpCode(200)
  accept(@Param('orderId') orderId: string): Promise<StoreOrderView> {
    return this.storeOrders.accept(orderId);
  }
}
