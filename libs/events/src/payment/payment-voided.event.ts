import { IsIn, IsUUID } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';

export const VoidCauses = ['ORDER_CANCELED'] as const;
export type VoidCause = (typeof VoidCauses)[number];

export class PaymentVoidedPayload {
  @IsUUID() paymentId: string;
  @IsUUID() orderId: string;
  @IsUUID() customerId: string;
  @IsIn(VoidCauses) cause: VoidCause;
}

export const PaymentVoided = defineEvent({
  type: 'PaymentVoided',
  version: 1,
  topic: Topics.Payment,
  producer: 'payment',
  aggregateType: 'payment',
  aggregateIdField: 'paymentId',
  keyField: 'orderId',
  orderIdField: 'orderId',
  payload: PaymentVoidedPayload,
  description:
    'The order was canceled while its charge still waited for its points: nothing was taken, and nothing ever will be.',
});
