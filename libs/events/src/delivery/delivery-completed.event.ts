import { IsUUID } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';

export class DeliveryCompletedPayload {
  @IsUUID() deliveryId: string;
  @IsUUID() orderId: string;
  @IsUUID() customerId: string;
}

export const DeliveryCompleted = defineEvent({
  type: 'DeliveryCompleted',
  version: 1,
  topic: Topics.Delivery,
  producer: 'delivery',
  aggregateType: 'delivery',
  aggregateIdField: 'deliveryId',
  keyField: 'orderId',
  orderIdField: 'orderId',
  payload: DeliveryCompletedPayload,
  description: 'The order was handed to the customer.',
});
