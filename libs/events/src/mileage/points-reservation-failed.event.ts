import { IsIn, IsInt, IsUUID, Min } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';

export const PointsReservationFailureReasons = ['INSUFFICIENT_POINTS'] as const;
export type PointsReservationFailureReason = (typeof PointsReservationFailureReasons)[number];

export class PointsReservationFailedPayload {
  @IsUUID() customerId: string;
  @IsUUID() orderId: string;
  /** The points the order asked for. */
  @IsInt() @Min(1) points: number;
  /** The wallet's balance, unchanged. */
  @IsInt() @Min(0) balance: number;
  @IsIn(PointsReservationFailureReasons) reason: PointsReservationFailureReason;
}

export const PointsReservationFailed = defineEvent({
  type: 'PointsReservationFailed',
  version: 1,
  topic: Topics.Mileage,
  producer: 'mileage',
  aggregateType: 'wallet',
  aggregateIdField: 'customerId',
  keyField: 'customerId',
  orderIdField: 'orderId',
  payload: PointsReservationFailedPayload,
  description: 'The wallet held fewer points than the order spends; nothing was taken, and the order is rejected (POINTS_UNAVAILABLE).',
});
