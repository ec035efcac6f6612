import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { defineEvent } from '../event-definition';
import { Lines, OrderLine } from '../shared/lines';
import { Topics } from '../topics';

export class PaymentDetails {
  @IsIn(['card']) method: 'card';
  @IsString() @IsNotEmpty() cardToken: string;
}

export class OrderPlacedPayload {
  @IsUUID() orderId: string;
  @IsUUID() customerId: string;
  @Lines(() => OrderLine) items: OrderLine[];
  @IsInt() @Min(0) totalAmount: number;
  /**
   * Points the customer spends on the order (0 to totalAmount): mileage reserves them and payment charges only
   * amountDue, once they are. Absent on orders placed before points existed, which read as 0.
   */
  @IsOptional() @IsInt() @Min(0) pointsUsed?: number;
  /** What payment charges: totalAmount − pointsUsed (totalAmount when absent). */
  @IsOptional() @IsInt() @Min(0) amountDue?: number;
  @IsString() @IsNotEmpty() deliveryAddress: string;
  @IsString() @IsNotEmpty() deliveryPhone: string;
  @ValidateNested() @Type(() => PaymentDetails) payment: PaymentDetails;
}

export const OrderPlaced = defineEvent({
  type: 'OrderPlaced',
  version: 1,
  topic: Topics.Order,
  producer: 'order',
  aggregateType: 'order',
  aggregateIdField: 'orderId',
  keyField: 'orderId',
  orderIdField: 'orderId',
  payload: OrderPlacedPayload,
  description: 'A customer placed an order; it is PENDING until payment answers.',
});
