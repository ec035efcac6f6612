import { IsIn, IsInt, IsNotEmpty, IsString, IsUUID, Min } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';
import { RefundCause, RefundCauses } from './payment-refunded.event';

export class PaymentRefundFailedPayload {
  @IsUUID() paymentId: string;
  @IsUUID() orderId: string;
  @IsUUID() customerId: string;
  @IsInt() @Min(0) amount: number;
  @IsIn(RefundCauses) cause: RefundCause;
  @IsString() @IsNotEmpty() reason: string;
}

export const PaymentRefundFailed = defineEvent({
  type: 'PaymentRefundFailed',
  version: 1,
  topic: Topics.Payment,
  producer: 'payment',
  aggregateType: 'payment',
  aggregateIdField: 'paymentId',
  keyField: 'orderId',
  orderIdField: 'orderId',
  payload: PaymentRefundFailedPayload,
  description: 'A refund owed to the customer could not be made; an operator must settle it.',
});
