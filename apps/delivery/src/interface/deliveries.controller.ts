import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { AuthUser, CurrentUser, Roles } from '@homestore/auth';
import { DeliveriesService, DeliveryView } from '../application/deliveries.service';

@Controller('deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Roles('customer', 'store')
  @Get(':orderId')
  ofOrder(@Param('orderId') orderId: string, @CurrentUser() user: AuthUser): Promise<DeliveryView> {
    return this.deliveries.ofOrder(orderId, user);
  }

  @Roles('store')
  @Post(':orderId/complete')
  @HttpCode(200)
  complete(@Param('orderId') orderId: string): Promise<DeliveryView> {
    return this.deliveries.complete(orderId);
  }
}
