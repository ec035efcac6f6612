import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { CurrentUser, Roles } from '@homestore/auth';
import type { AuthUser } from '@homestore/auth';
import { DomainError } from '@homestore/domain';
import { CancelOrder } from '../application/cancel-order';
import { OrderQueries } from '../application/order-queries';
import { PlaceOrder } from '../application/place-order';
import { OrderNotFound } from '../domain/order.errors';
import type { OrderView } from '../infrastructure/order.repository';
import { PlaceOrderDto } from './dto/place-order.dto';

const MAX_IDEMPOTENCY_KEY = 200;

/** An id that is not a UUID names no order: 404 like any other unknown order. */
function orderId(id: string): string {
  if (!isUUID(id)) throw new OrderNotFound(id);
  return id;
}

const details = ({ id, status, statusReason, items, totalAmount, createdAt, updatedAt }: OrderView) => ({
  id,
  status,
  statusReason,
  items,
  totalAmount,
  createdAt: createdAt.toISOString(),
  updatedAt: updatedAt.toISOString(),
});

@Controller('orders')
@Roles('customer')
export class OrdersController {
  constructor(
    private readonly placeOrder: PlaceOrder,
    private readonly cancelOrder: CancelOrder,
    private readonly queries: OrderQueries,
  ) {}

  /** The answer is the order as placed (PENDING), also when a retry with the same Idempotency-Key finds it. */
  @Post()
  async place(@CurrentUser() user: AuthUser, @Body() body: PlaceOrderDto, @Headers('idempotency-key') idempotencyKey?: string) {
    if (idempotencyKey !== undefined && (!idempotencyKey.trim() || idempotencyKey.length > MAX_IDEMPOTENCY_KEY)) {
      throw new DomainError('ORDER.INVALID_IDEMPOTENCY_KEY', `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY} characters`);
    }
    const { id, items, totalAmount, createdAt } = await this.placeOrder.execute({ customerId: user.id, ...body, idempotencyKey });
    return { id, status: 'PENDING', items, totalAmount, createdAt: createdAt.toISOString() };
  }

  @Get()
  async list(@CurrentUser() user: AuthUser) {
    return (await this.queries.list(user.id)).map(details);
  }

  @Get(':id')
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return details(await this.queries.own(user.id, orderId(id)));
  }

  @Post(':id/cancel')
  @HttpCode(202)
  cancel(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.cancelOrder.execute(user.id, orderId(id));
  }
}
