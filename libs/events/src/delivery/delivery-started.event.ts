import { IsUUID } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';

export class DeliveryStartedPayload {
  @IsUUID() deliveryId: string;
  @IsUUID() orderId: string;
  @IsUUID() customerId: string;
}

export const DeliveryStarted = defineEvent({
  type: 'DeliveryStarted',
  version: 1,
  topic: Topics.Delivery,
  producer: 'delivery',
  aggregateType: 'delivery',
  aggregateIdField: 'deliveryId',
  keyField: 'orderId',
  orderIdField: 'orderId',
  payload: DeliveryStartedPayload,
  description: 'A courier took the order out for delivery.',
});
