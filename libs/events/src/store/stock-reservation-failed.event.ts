import { ArrayMinSize, IsArray, IsUUID } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Lines, StockLine } from '../shared/lines';
import { Topics } from '../topics';

export class StockReservationFailedPayload {
  @IsUUID() storeOrderId: string;
  @IsUUID() orderId: string;
  @IsUUID() customerId: string;
  @Lines(() => StockLine) items: StockLine[];
  /** Products that had less stock than asked for. */
  @IsArray() @ArrayMinSize(1) @IsUUID('all', { each: true }) shortProductIds: string[];
}

export const StockReservationFailed = defineEvent({
  type: 'StockReservationFailed',
  version: 1,
  topic: Topics.Store,
  producer: 'ordermanagement',
  aggregateType: 'storeOrder',
  aggregateIdField: 'storeOrderId',
  keyField: 'orderId',
  orderIdField: 'orderId',
  payload: StockReservationFailedPayload,
  description: 'A paid order could not be supplied because stock was short; nothing was reserved.',
});
