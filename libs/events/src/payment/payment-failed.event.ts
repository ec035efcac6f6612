import { IsIn, IsInt, IsUUID, Min } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';

export const PaymentFailureReasons = ['CARD_DECLINED', 'LIMIT_EXCEEDED'] as const;
export type PaymentFailureReason = (typeof PaymentFailureReasons)[number];

export class PaymentFailedPayload {
  @IsUUID() paymentId: string;
  @IsUUID() orderId: string;
  @IsUUID() customerId: string;
  @IsInt() @Min(0) amount: number;
  @IsIn(PaymentFailureReasons) reason: PaymentFailureReason;
}

export const PaymentFailed = defineEvent({
  type: 'PaymentFailed',
  version: 1,
  topic: Topics.Payment,
  producer: 'payment',
  aggregateType: 'payment',
  aggregateIdField: 'paymentId',
  keyField: 'orderId',
  orderIdField: 'orderId',
  payload: PaymentFailedPayload,
  description: 'The charge for the order was refused; nothing was taken.',
});
