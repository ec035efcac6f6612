import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { AuthUser, CurrentUser, Roles } from '@homestore/auth';
import { CompleteDelivery } from '../application/complete-delivery';
import { DeliveryQueries, DeliveryView } from '../application/delivery-queries';

@Controller('deliveries')
export class DeliveriesController {
  constructor(
    private readonly queries: DeliveryQueries,
    private readonly completeDelivery: CompleteDelivery,
  ) {}

  @Roles('customer', 'store')
  @Get(':orderId')
  ofOrder(@Param('orderId') orderId: string, @CurrentUser() user: AuthUser): Promise<DeliveryView> {
    return this.queries.ofOrder(orderId, user);
  }

  @Roles('store')
  @Post(':orderId/complete')
  @HttpCode(200)
  complete(@Param('orderId') orderId: string): Promise<DeliveryView> {
    return this.completeDelivery.execute(orderId);
  }
}
