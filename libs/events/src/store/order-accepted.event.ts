import { IsNotEmpty, IsString, IsUUID } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Lines, StockLine } from '../shared/lines';
import { Topics } from '../topics';

export class OrderAcceptedPayload {
  @IsUUID() storeOrderId: string;
  @IsUUID() orderId: string;
  @IsUUID() customerId: string;
  @Lines(() => StockLine) items: StockLine[];
  @IsString() @IsNotEmpty() deliveryAddress: string;
  @IsString() @IsNotEmpty() deliveryPhone: string;
}

export const OrderAccepted = defineEvent({
  type: 'OrderAccepted',
  version: 1,
  topic: Topics.Store,
  producer: 'ordermanagement',
  aggregateType: 'storeOrder',
  aggregateIdField: 'storeOrderId',
  keyField: 'orderId',
  orderIdField: 'orderId',
  payload: OrderAcceptedPayload,
  description: 'A store clerk accepted the order; it is ready to be delivered.',
});
