import { IsIn, IsInt, IsOptional, IsUUID, Min } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';
import { EarnReason, EarnReasons } from './points';

export class PointsEarnedPayload {
  @IsUUID() customerId: string;
  @IsIn(EarnReasons) reason: EarnReason;
  @IsInt() @Min(1) points: number;
  /** The wallet's balance after the points were added. */
  @IsInt() @Min(0) balance: number;
  /** The delivered order they were earned on (reason ORDER); absent for the welcome points. */
  @IsOptional() @IsUUID() orderId?: string;
}

export const PointsEarned = defineEvent({
  type: 'PointsEarned',
  version: 1,
  topic: Topics.Mileage,
  producer: 'mileage',
  aggregateType: 'wallet',
  aggregateIdField: 'customerId',
  keyField: 'customerId',
  orderIdField: 'orderId',
  payload: PointsEarnedPayload,
  description: "Points were added to the customer's wallet: the welcome points, or 1 % of what a delivered order charged.",
});
