import { IsUUID } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Lines, StockLine } from '../shared/lines';
import { Topics } from '../topics';

export class StoreOrderReceivedPayload {
  @IsUUID() storeOrderId: string;
  @IsUUID() orderId: string;
  @IsUUID() customerId: string;
  @Lines(() => StockLine) items: StockLine[];
}

export const StoreOrderReceived = defineEvent({
  type: 'StoreOrderReceived',
  version: 1,
  topic: Topics.Store,
  producer: 'ordermanagement',
  aggregateType: 'storeOrder',
  aggregateIdField: 'storeOrderId',
  keyField: 'orderId',
  orderIdField: 'orderId',
  payload: StoreOrderReceivedPayload,
  description: 'The store reserved stock for a paid order and awaits a clerk to accept it.',
});
