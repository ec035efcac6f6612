import {
  DeliveryCanceled,
  DeliveryCompleted,
  DeliveryStarted,
  OrderAccepted,
  PaymentApproved,
  PaymentFailed,
  PaymentRefunded,
  PaymentRefundFailed,
  PaymentVoided,
  PointsReleased,
  PointsReservationFailed,
  PointsReserved,
  StockReservationFailed,
  StoreOrderCanceled,
  StoreOrderReceived,
} from '@homestore/events';
import type { Order } from './order';

/**
 * What each participant's event tells an order: the aggregate method that records it (which refuses what the order's
 * state does not allow). The saga moves orders with these; myPage keeps its view with the very same.
 */
export const PARTICIPANT_FACTS: Readonly<Record<string, (order: Order) => void>> = {
  [PaymentApproved.type]: (o) => o.paymentApproved(),
  [PaymentFailed.type]: (o) => o.paymentFailed(),
  [PaymentRefunded.type]: (o) => o.paymentRefunded(),
  [PaymentRefundFailed.type]: (o) => o.paymentRefundFailed(),
  [PaymentVoided.type]: (o) => o.paymentVoided(),
  [StoreOrderReceived.type]: (o) => o.storeOrderReceived(),
  [StockReservationFailed.type]: (o) => o.stockReservationFailed(),
  [OrderAccepted.type]: (o) => o.acceptedByStore(),
  [StoreOrderCanceled.type]: (o) => o.storeOrderCanceled(),
  [DeliveryStarted.type]: (o) => o.deliveryStarted(),
  [DeliveryCanceled.type]: (o) => o.deliveryCanceled(),
  [DeliveryCompleted.type]: (o) => o.deliveryCompleted(),
  [PointsReserved.type]: (o) => o.pointsReserved(),
  [PointsReservationFailed.type]: (o) => o.pointsReservationFailed(),
  [PointsReleased.type]: (o) => o.pointsReleased(),
};
