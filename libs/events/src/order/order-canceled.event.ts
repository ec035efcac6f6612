import { IsUUID } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';

export class OrderCanceledPayload {
  @IsUUID() orderId: string;
  @IsUUID() customerId: string;
}

export const OrderCanceled = defineEvent({
  type: 'OrderCanceled',
  version: 1,
  topic: Topics.Order,
  producer: 'order',
  aggregateType: 'order',
  aggregateIdField: 'orderId',
  keyField: 'orderId',
  orderIdField: 'orderId',
  payload: OrderCanceledPayload,
  description: 'The customer canceled the order; payment, store and delivery must undo their part.',
});
