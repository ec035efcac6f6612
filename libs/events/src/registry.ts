import type { EventDefinition } from './event-definition';
import { DeliveryCanceled } from './delivery/delivery-canceled.event';
import { DeliveryCompleted } from './delivery/delivery-completed.event';
import { DeliveryStarted } from './delivery/delivery-started.event';
import { OrderCanceled } from './order/order-canceled.event';
import { OrderPlaced } from './order/order-placed.event';
import { PaymentApproved } from './payment/payment-approved.event';
import { PaymentFailed } from './payment/payment-failed.event';
import { PaymentRefundFailed } from './payment/payment-refund-failed.event';
import { PaymentRefunded } from './payment/payment-refunded.event';
import { PaymentVoided } from './payment/payment-voided.event';
import { PointsEarned } from './mileage/points-earned.event';
import { PointsReleased } from './mileage/points-released.event';
import { PointsReservationFailed } from './mileage/points-reservation-failed.event';
import { PointsReserved } from './mileage/points-reserved.event';
import { ProductChanged } from './product/product-changed.event';
import { OrderAccepted } from './store/order-accepted.event';
import { StockReservationFailed } from './store/stock-reservation-failed.event';
import { StoreOrderCanceled } from './store/store-order-canceled.event';
import { StoreOrderReceived } from './store/store-order-received.event';
import { UserProfileUpdated } from './user/user-profile-updated.event';
import { UserRegistered } from './user/user-registered.event';

/** Every event type of the system, in topic order. */
export const ALL_EVENTS: readonly EventDefinition[] = [
  UserRegistered,
  UserProfileUpdated,
  ProductChanged,
  OrderPlaced,
  OrderCanceled,
  PaymentApproved,
  PaymentFailed,
  PaymentRefunded,
  PaymentRefundFailed,
  PaymentVoided,
  StoreOrderReceived,
  StockReservationFailed,
  OrderAccepted,
  StoreOrderCanceled,
  DeliveryStarted,
  DeliveryCanceled,
  DeliveryCompleted,
  PointsEarned,
  PointsReserved,
  PointsReservationFailed,
  PointsReleased,
] as EventDefinition[];

const byType = new Map(ALL_EVENTS.map((d) => [d.type, d]));

/** The definition of an event type, or undefined for a type this system does not know. */
export function eventDefinition(type: string): EventDefinition | undefined {
  return byType.get(type);
}
