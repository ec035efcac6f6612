import { IsIn, IsInt, IsUUID, Min } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';
import { ReleaseCause, ReleaseCauses } from './points';

export class PointsReleasedPayload {
  @IsUUID() customerId: string;
  @IsUUID() orderId: string;
  @IsInt() @Min(1) points: number;
  /** The wallet's balance after the points came back. */
  @IsInt() @Min(0) balance: number;
  @IsIn(ReleaseCauses) cause: ReleaseCause;
}

export const PointsReleased = defineEvent({
  type: 'PointsReleased',
  version: 1,
  topic: Topics.Mileage,
  producer: 'mileage',
  aggregateType: 'wallet',
  aggregateIdField: 'customerId',
  keyField: 'customerId',
  orderIdField: 'orderId',
  payload: PointsReleasedPayload,
  description: 'The points a rejected or canceled order had reserved went back to the wallet.',
});
