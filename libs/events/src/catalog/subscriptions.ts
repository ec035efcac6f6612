/**
 * Who consumes each event and why: the publish/subscribe list-up of the design. Producers are declared on the
 * events themselves; this is the other half. A service that starts consuming an event adds a line here.
 */
export interface Subscription {
  /** Consumer group (the service name, or `order-mypage` for the read model). */
  group: string;
  why: string;
}

const MYPAGE: Subscription = { group: 'order-mypage', why: "keeps the customer's myPage view and its history" };
const MILEAGE = (why: string): Subscription => ({ group: 'mileage', why });

export const SUBSCRIPTIONS: Record<string, Subscription[]> = {
  UserRegistered: [
    { group: 'message', why: 'adds the contact to its replica and sends the WELCOME message' },
    MILEAGE('opens the wallet with the welcome points (or finds it opened by an earlier event of the customer)'),
  ],
  UserProfileUpdated: [{ group: 'message', why: "updates the contact replica so notifications reach the customer's current name and phone" }],
  ProductChanged: [{ group: 'order', why: 'keeps the product replica that prices new orders' }],
  OrderPlaced: [
    { group: 'payment', why: 'charges the card for amountDue (at most once per order; once the points are reserved when it uses any)' },
    MILEAGE('reserves the points the order spends, or refuses when the wallet holds too few'),
    MYPAGE,
  ],
  OrderCanceled: [
    { group: 'payment', why: 'refunds the charge if one was taken, and never charges afterwards' },
    { group: 'ordermanagement', why: 'cancels its store order and releases reserved stock, or remembers never to reserve it' },
    MILEAGE('gives back the points the order reserved, or remembers never to reserve them'),
    MYPAGE,
  ],
  PaymentApproved: [
    { group: 'order', why: 'moves the order to PAID' },
    { group: 'ordermanagement', why: 'reserves stock and records the store order' },
    MILEAGE('remembers what was charged, to earn 1 % of it on delivery'),
    MYPAGE,
  ],
  PaymentFailed: [
    { group: 'order', why: 'rejects the order (PAYMENT_FAILED)' },
    { group: 'message', why: 'tells the customer the order was rejected (ORDER_REJECTED)' },
    MILEAGE('gives back the points of the rejected order'),
    MYPAGE,
  ],
  PaymentRefunded: [
    { group: 'order', why: 'settles the payment side of a cancel' },
    { group: 'message', why: 'tells the customer the order was canceled and refunded (ORDER_CANCELED)' },
    MYPAGE,
  ],
  PaymentRefundFailed: [{ group: 'order', why: 'ends the cancel as CANCELED with paymentStatus REFUND_FAILED, for operators to settle' }, MYPAGE],
  PaymentVoided: [
    { group: 'order', why: 'settles the payment side of a cancel that came before the charge' },
    { group: 'message', why: 'tells the customer the order was canceled (ORDER_CANCELED)' },
    MYPAGE,
  ],
  StoreOrderReceived: [{ group: 'order', why: 'moves the order to RECEIVED' }, MYPAGE],
  StockReservationFailed: [
    { group: 'order', why: 'rejects the order (OUT_OF_STOCK)' },
    { group: 'payment', why: 'refunds the charge' },
    { group: 'message', why: 'tells the customer the order was rejected (ORDER_REJECTED)' },
    MILEAGE('gives back the points of the rejected order'),
    MYPAGE,
  ],
  OrderAccepted: [
    { group: 'order', why: 'moves the order to ACCEPTED' },
    { group: 'delivery', why: 'starts the delivery' },
    MYPAGE,
  ],
  StoreOrderCanceled: [
    { group: 'order', why: 'settles the store side of a cancel' },
    { group: 'delivery', why: 'cancels the delivery if it had started' },
    MYPAGE,
  ],
  DeliveryStarted: [
    { group: 'order', why: 'moves the order to SHIPPING' },
    { group: 'message', why: 'tells the customer the order is on its way (DELIVERY_STARTED)' },
    MYPAGE,
  ],
  DeliveryCanceled: [
    { group: 'order', why: 'records that the courier turned back' },
    { group: 'message', why: 'tells the customer the delivery was called off (DELIVERY_CANCELED)' },
    MYPAGE,
  ],
  DeliveryCompleted: [
    { group: 'order', why: 'moves the order to DELIVERED' },
    { group: 'message', why: 'tells the customer the order was delivered (DELIVERY_COMPLETED)' },
    MILEAGE('earns the customer 1 % of what the order charged'),
    MYPAGE,
  ],
  PointsEarned: [MYPAGE],
  PointsReserved: [
    { group: 'payment', why: 'charges amountDue, now that the points are taken' },
    { group: 'order', why: 'records that the points are taken' },
    MYPAGE,
  ],
  PointsReservationFailed: [
    { group: 'payment', why: 'never charges the order' },
    { group: 'order', why: 'rejects the order (POINTS_UNAVAILABLE)' },
    MYPAGE,
  ],
  PointsReleased: [{ group: 'order', why: 'settles the points side of a cancel' }, MYPAGE],
};
