import type {
  DeliveryCanceledPayload,
  DeliveryCompletedPayload,
  DeliveryStartedPayload,
  PaymentFailedPayload,
  PaymentRefundedPayload,
  PaymentVoidedPayload,
  StockReservationFailedPayload,
  UserRegisteredPayload,
} from '@homestore/events';

export const NotificationTypes = ['WELCOME', 'ORDER_REJECTED', 'ORDER_CANCELED', 'DELIVERY_STARTED', 'DELIVERY_CANCELED', 'DELIVERY_COMPLETED'] as const;
export type NotificationType = (typeof NotificationTypes)[number];

/** What to tell which customer about which order. */
export interface Notice {
  type: NotificationType;
  customerId: string;
  orderId: string | null;
  text: string;
}

const order = (orderId: string) => `Your order ${orderId.slice(0, 8)}`;
const won = (amount: number) => `${amount.toLocaleString('en-US')} won`;

const PAYMENT_FAILURES: Record<PaymentFailedPayload['reason'], string> = {
  CARD_DECLINED: 'your card was declined',
  LIMIT_EXCEEDED: 'the amount is over your card limit',
};

/**
 * The notice each event gives its customer, or null when it gives none. Texts depend only on the event, so a
 * notification reads the same whenever it is made, whatever else has arrived.
 */
export const Notices = {
  /** Customers only: the store clerk's account gets no welcome. */
  userRegistered: (p: UserRegisteredPayload): Notice | null =>
    p.role === 'customer' ? { type: 'WELCOME', customerId: p.userId, orderId: null, text: `Welcome to Homestore, ${p.name}!` } : null,

  paymentFailed: (p: PaymentFailedPayload): Notice => ({
    type: 'ORDER_REJECTED',
    customerId: p.customerId,
    orderId: p.orderId,
    text: `${order(p.orderId)} was rejected: ${PAYMENT_FAILURES[p.reason]}. Nothing was charged.`,
  }),

  stockReservationFailed: (p: StockReservationFailedPayload): Notice => ({
    type: 'ORDER_REJECTED',
    customerId: p.customerId,
    orderId: p.orderId,
    text: `${order(p.orderId)} was rejected: some items are out of stock. Your payment will be refunded.`,
  }),

  /** Only a refund of a canceled order: an out-of-stock refund follows a rejection the customer was already told of. */
  paymentRefunded: (p: PaymentRefundedPayload): Notice | null =>
    p.cause === 'ORDER_CANCELED'
      ? { type: 'ORDER_CANCELED', customerId: p.customerId, orderId: p.orderId, text: `${order(p.orderId)} was canceled and ${won(p.amount)} refunded.` }
      : null,

  /** A canceled order whose charge still waited for its points: canceled like any other, with nothing to refund. */
  paymentVoided: (p: PaymentVoidedPayload): Notice => ({
    type: 'ORDER_CANCELED',
    customerId: p.customerId,
    orderId: p.orderId,
    text: `${order(p.orderId)} was canceled. Nothing was charged.`,
  }),

  deliveryStarted: (p: DeliveryStartedPayload): Notice => ({
    type: 'DELIVERY_STARTED',
    customerId: p.customerId,
    orderId: p.orderId,
    text: `${order(p.orderId)} is on its way.`,
  }),

  deliveryCanceled: (p: DeliveryCanceledPayload): Notice => ({
    type: 'DELIVERY_CANCELED',
    customerId: p.customerId,
    orderId: p.orderId,
    text: `The delivery of your order ${p.orderId.slice(0, 8)} was called off.`,
  }),

  deliveryCompleted: (p: DeliveryCompletedPayload): Notice => ({
    type: 'DELIVERY_COMPLETED',
    customerId: p.customerId,
    orderId: p.orderId,
    text: `${order(p.orderId)} was delivered. Enjoy!`,
  }),
};
