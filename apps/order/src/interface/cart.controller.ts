import { Body, Controller, Delete, Get, Param, Post, Put } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { CurrentUser, Roles } from '@homestore/auth';
import type { AuthUser } from '@homestore/auth';
import { CartQueries } from '../application/cart-queries';
import { CheckOutCart } from '../application/check-out-cart';
import { EditCart } from '../application/edit-cart';
import type { CartView } from '../domain/cart';
import { UnknownProducts } from '../domain/order.errors';
import { OrderDetailsDto } from './dto/place-order.dto';
import { SetCartItemDto } from './dto/set-cart-item.dto';
import { IdempotencyKey, placedOrder } from './placing';

/** An id that is not a UUID names no product the replica knows: 422 like any other unknown product. */
function productIdOf(id: string): string {
  if (!isUUID(id)) throw new UnknownProducts([id.slice(0, 100)]);
  // The replica answers ids in lower case.
  return id.toLowerCase();
}

const cart = ({ items, totalAmount, updatedAt }: CartView) => ({ items, totalAmount, ...(updatedAt && { updatedAt: updatedAt.toISOString() }) });

@Controller('cart')
@Roles('customer')
export class CartController {
  constructor(
    private readonly edits: EditCart,
    private readonly queries: CartQueries,
    private readonly checkOutCart: CheckOutCart,
  ) {}

  @Get()
  async view(@CurrentUser() user: AuthUser) {
    return cart(await this.queries.view(user.id));
  }

  @Put('items/:productId')
  async setItem(@CurrentUser() user: AuthUser, @Param('productId') productId: string, @Body() body: SetCartItemDto) {
    return cart(await this.edits.setQuantity(user.id, productIdOf(productId), body.quantity));
  }

  /** The cart without the product's line; the same when it had none. */
  @Delete('items/:productId')
  async removeItem(@CurrentUser() user: AuthUser, @Param('productId') productId: string) {
    return cart(await this.edits.remove(user.id, productId.toLowerCase()));
  }

  @Delete()
  async empty(@CurrentUser() user: AuthUser) {
    return cart(await this.edits.empty(user.id));
  }

  /** The order made of the cart's lines, as POST /orders answers it (201); a retry with the same Idempotency-Key finds it. */
  @Post('checkout')
  async checkOut(@CurrentUser() user: AuthUser, @Body() body: OrderDetailsDto, @IdempotencyKey() idempotencyKey?: string) {
    return placedOrder(await this.checkOutCart.execute({ customerId: user.id, ...body, idempotencyKey }));
  }
}
