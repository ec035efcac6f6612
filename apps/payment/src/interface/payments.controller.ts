import { Controller, Get, Param } from '@nestjs/common';
import { AuthUser, CurrentUser, Roles } from '@homestore/auth';
import { PaymentsQuery, PaymentView } from '../application/payments.query';

@Roles('customer', 'store')
@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsQuery) {}

  @Get(':orderId')
  ofOrder(@Param('orderId') orderId: string, @CurrentUser() user: AuthUser): Promise<PaymentView> {
    return this.payments.ofOrder(orderId, user);
  }
}
