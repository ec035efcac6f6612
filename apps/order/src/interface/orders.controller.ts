import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { CurrentUser, Roles } from '@homestore/auth';
import type { AuthUser } from '@homestore/auth';
import { PageQuery, Paging } from '@homestore/platform';
import { CancelOrder } from '../application/cancel-order';
import { OrderQueries } from '../application/order-queries';
import { PlaceOrder } from '../application/place-order';
import { OrderNotFound } from '../domain/order.errors';
import type { OrderView } from '../infrastructure/order.repository';
import { PlaceOrderDto } from './dto/place-order.dto';
import { IdempotencyKey, placedOrder } from './placing';

/** GET /orders's cursors; a bad one is 400 `ORDER.INVALID_CURSOR`. */
const ORDERS = new Paging('ORDER', 'GET /orders');

/** An id that is not a UUID names no order: 404 like any other unknown order. */
function orderId(id: string): string {
  if (!isUUID(id)) throw new OrderNotFound(id);
  return id;
}

const details = ({ id, status, statusReason, items, totalAmount, pointsUsed, amountDue, createdAt, updatedAt }: OrderView) => ({
  id,
  status,
  statusReason,
  items,
  totalAmount,
  pointsUsed,
  amountDue,
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
  async place(@CurrentUser() user: AuthUser, @Body() body: PlaceOrderDto, @IdempotencyKey() idempotencyKey?: string) {
    return placedOrder(await this.placeOrder.execute({ customerId: user.id, ...body, idempotencyKey }));
  }

  /** A page of the customer's orders, newest first; `nextCursor` (null on the last page) asks for the next. */
  @Get()
  async list(@CurrentUser() user: AuthUser, @Query() query: PageQuery) {
    const page = await this.queries.page(user.id, { limit: query.limit, after: ORDERS.after(query.before) });
    return { orders: page.rows.map(details), nextCursor: ORDERS.nextCursor(page.next) };
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
