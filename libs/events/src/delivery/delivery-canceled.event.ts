import { IsUUID } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';

export class DeliveryCanceledPayload {
  @IsUUID() deliveryId: string;
  @IsUUID() orderId: string;
  @IsUUID() customerId: string;
}

export const DeliveryCanceled = defineEvent({
  type: 'DeliveryCanceled',
  version: 1,
  topic: Topics.Delivery,
  producer: 'delivery',
  aggregateType: 'delivery',
  aggregateIdField: 'deliveryId',
  keyField: 'orderId',
  orderIdField: 'orderId',
  payload: DeliveryCanceledPayload,
  description: 'A delivery under way was called off because the order was canceled.',
});
