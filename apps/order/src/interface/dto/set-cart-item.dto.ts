import { IsInt, Max, Min } from 'class-validator';
import { MAX_CART_QUANTITY } from '../../domain/cart';

/** PUT /cart/items/:productId: how many of the product the cart holds from now on. */
export class SetCartItemDto {
  @IsInt() @Min(1) @Max(MAX_CART_QUANTITY) quantity: number;
}
