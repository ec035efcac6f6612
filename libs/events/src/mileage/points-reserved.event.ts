import { IsInt, IsUUID, Min } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';

export class PointsReservedPayload {
  @IsUUID() customerId: string;
  @IsUUID() orderId: string;
  @IsInt() @Min(1) points: number;
  /** The wallet's balance after the points were taken from it. */
  @IsInt() @Min(0) balance: number;
}

export const PointsReserved = defineEvent({
  type: 'PointsReserved',
  version: 1,
  topic: Topics.Mileage,
  producer: 'mileage',
  aggregateType: 'wallet',
  aggregateIdField: 'customerId',
  keyField: 'customerId',
  orderIdField: 'orderId',
  payload: PointsReservedPayload,
  description: "The points an order spends were taken from the customer's wallet; payment may now charge the rest.",
});
