import { IsInt, IsNotEmpty, IsString, IsUUID, Min } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Lines, OrderLine } from '../shared/lines';
import { Topics } from '../topics';

/** Carries the order's lines and delivery details on to the store, which never sees OrderPlaced. */
export class PaymentApprovedPayload {
  @IsUUID() paymentId: string;
  @IsUUID() orderId: string;
  @IsUUID() customerId: string;
  @IsInt() @Min(0) amount: number;
  @Lines(() => OrderLine) items: OrderLine[];
  @IsString() @IsNotEmpty() deliveryAddress: string;
  @IsString() @IsNotEmpty() deliveryPhone: string;
}

export const PaymentApproved = defineEvent({
  type: 'PaymentApproved',
  version: 1,
  topic: Topics.Payment,
  producer: 'payment',
  aggregateType: 'payment',
  aggregateIdField: 'paymentId',
  keyField: 'orderId',
  orderIdField: 'orderId',
  payload: PaymentApprovedPayload,
  description: "The customer's card was charged for the order.",
});
