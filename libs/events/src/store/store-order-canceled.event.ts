import { IsBoolean, IsUUID } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';

export class StoreOrderCanceledPayload {
  @IsUUID() storeOrderId: string;
  @IsUUID() orderId: string;
  @IsUUID() customerId: string;
  /** True when reserved stock went back on the shelf; false when nothing had been reserved. */
  @IsBoolean() stockReleased: boolean;
}

export const StoreOrderCanceled = defineEvent({
  type: 'StoreOrderCanceled',
  version: 1,
  topic: Topics.Store,
  producer: 'ordermanagement',
  aggregateType: 'storeOrder',
  aggregateIdField: 'storeOrderId',
  keyField: 'orderId',
  orderIdField: 'orderId',
  payload: StoreOrderCanceledPayload,
  description: 'The store canceled its order and released any stock it held for it.',
});
