import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';

export class OrderItemDto {
  @IsUUID() productId: string;
  @IsInt() @Min(1) @Max(1000) quantity: number;
}

export class CardPaymentDto {
  @IsIn(['card']) method: 'card';
  @IsString() @IsNotEmpty() @MaxLength(200) cardToken: string;
}

/** What an order needs besides its lines: the body of POST /cart/checkout, and of POST /orders with `items`. */
export class OrderDetailsDto {
  @IsString() @IsNotEmpty() @MaxLength(500) deliveryAddress: string;
  @IsString() @IsNotEmpty() @MaxLength(50) deliveryPhone: string;

  @ValidateNested() @Type(() => CardPaymentDto)
  payment: CardPaymentDto;

  /** Points to spend on the order (none when absent); more than the order's total is 400 ORDER.INVALID_POINTS. */
  @IsOptional() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER)
  pointsToUse?: number;
}

/** POST /orders. Repeated products are merged into one line. */
export class PlaceOrderDto extends OrderDetailsDto {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => OrderItemDto)
  items: OrderItemDto[];
}
