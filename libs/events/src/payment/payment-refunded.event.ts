import { IsIn, IsInt, IsUUID, Min } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';

export const RefundCauses = ['ORDER_CANCELED', 'OUT_OF_STOCK'] as const;
export type RefundCause = (typeof RefundCauses)[number];

export class PaymentRefundedPayload {
  @IsUUID() paymentId: string;
  @IsUUID() orderId: string;
  @IsUUID() customerId: string;
  @IsInt() @Min(0) amount: number;
  @IsIn(RefundCauses) cause: RefundCause;
}

export const PaymentRefunded = defineEvent({
  type: 'PaymentRefunded',
  version: 1,
  topic: Topics.Payment,
  producer: 'payment',
  aggregateType: 'payment',
  aggregateIdField: 'paymentId',
  keyField: 'orderId',
  orderIdField: 'orderId',
  payload: PaymentRefundedPayload,
  description: 'The charge for the order was paid back, because it was canceled or could not be supplied.',
});
