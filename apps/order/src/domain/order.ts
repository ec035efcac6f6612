/**
 * The order aggregate and the saga's state. It records the facts each participant reported (payment, store,
 * delivery, mileage, the customer's cancel) and derives the status from them, so the same facts give the same status
 * whatever order they arrived in: events from different topics interleave freely, those of one topic keep order.
 */
import { InvalidPoints, OrderNotCancelable } from './order.errors';

export const ORDER_STATUSES = ['PENDING', 'PAID', 'RECEIVED', 'ACCEPTED', 'SHIPPING', 'DELIVERED', 'REJECTED', 'CANCELING', 'CANCELED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** Why an order was REJECTED, or why it was canceled when the customer did not ask (its saga's deadline passed). */
export type StatusReason = 'PAYMENT_FAILED' | 'OUT_OF_STOCK' | 'POINTS_UNAVAILABLE' | 'PAYMENT_TIMEOUT' | null;
/** Who or what canceled an order: the customer, or its deadline while the payment never answered. */
export type CancelReason = 'CUSTOMER' | 'PAYMENT_TIMEOUT';
/** VOIDED: the order was canceled while its charge still waited for the points; nothing was ever taken. */
export type PaymentFact = 'NONE' | 'APPROVED' | 'FAILED' | 'REFUNDED' | 'REFUND_FAILED' | 'VOIDED';
export type StoreFact = 'NONE' | 'RECEIVED' | 'OUT_OF_STOCK' | 'ACCEPTED' | 'CANCELED';
export type DeliveryFact = 'NONE' | 'STARTED' | 'CANCELED' | 'COMPLETED';
/** The points the order spends: reserved by mileage, refused by it (never taken), or given back after they were taken. */
export type PointsFact = 'NONE' | 'RESERVED' | 'UNAVAILABLE' | 'RELEASED';

export interface OrderLine {
  productId: string;
  name: string;
  unitPrice: number;
  quantity: number;
}

export interface OrderState {
  id: string;
  customerId: string;
  items: OrderLine[];
  totalAmount: number;
  /** Points spent on the order (0 to totalAmount); the card is charged the rest, amountDue. */
  pointsUsed: number;
  payment: PaymentFact;
  store: StoreFact;
  delivery: DeliveryFact;
  points: PointsFact;
  cancelRequested: boolean;
  /** Set with cancelRequested (null for orders canceled before reasons were kept: the customer). */
  cancelReason?: CancelReason | null;
}

const TERMINAL: OrderStatus[] = ['DELIVERED', 'REJECTED', 'CANCELED'];
const CANCELABLE: OrderStatus[] = ['PENDING', 'PAID', 'RECEIVED', 'ACCEPTED', 'SHIPPING'];

export class Order {
  private constructor(private state: OrderState) {}

  /** A new order, priced by the caller from the product replica, spending `pointsUsed` of the customer's points (at most its total). */
  static place(id: string, customerId: string, items: OrderLine[], pointsUsed = 0): Order {
    const totalAmount = items.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
    if (pointsUsed > totalAmount) throw new InvalidPoints(pointsUsed, totalAmount);
    return new Order({
      id,
      customerId,
      items,
      totalAmount,
      pointsUsed,
      payment: 'NONE',
      store: 'NONE',
      delivery: 'NONE',
      points: 'NONE',
      cancelRequested: false,
      cancelReason: null,
    });
  }

  static restore(state: OrderState): Order {
    return new Order({ ...state });
  }

  get snapshot(): Readonly<OrderState> {
    return this.state;
  }

  /** What the card is charged: the total less the points spent. */
  get amountDue(): number {
    return this.state.totalAmount - this.state.pointsUsed;
  }

  /**
   * A cancel ends (CANCELED) once nothing is left undone: the payment settled (failed, refunded, its refund failed, or
   * voided before any charge), the store confirmed, and the points spent came back or were never taken. Until then it
   * is CANCELING, whatever else arrives: a cancel asked before mileage refused the points still ends CANCELED.
   */
  get status(): OrderStatus {
    const { payment, store, delivery, points, pointsUsed, cancelRequested } = this.state;
    if (cancelRequested) {
      const paymentSettled = payment === 'FAILED' || payment === 'REFUNDED' || payment === 'REFUND_FAILED' || payment === 'VOIDED';
      const pointsSettled = pointsUsed === 0 || points === 'RELEASED' || points === 'UNAVAILABLE';
      return paymentSettled && store === 'CANCELED' && pointsSettled ? 'CANCELED' : 'CANCELING';
    }
    if (points === 'UNAVAILABLE' || payment === 'FAILED' || store === 'OUT_OF_STOCK') return 'REJECTED';
    if (delivery === 'COMPLETED') return 'DELIVERED';
    if (delivery === 'STARTED') return 'SHIPPING';
    if (store === 'ACCEPTED') return 'ACCEPTED';
    if (store === 'RECEIVED') return 'RECEIVED';
    if (payment === 'APPROVED') return 'PAID';
    return 'PENDING';
  }

  get statusReason(): StatusReason {
    const status = this.status;
    if (status === 'CANCELING' || status === 'CANCELED') return this.state.cancelReason === 'PAYMENT_TIMEOUT' ? 'PAYMENT_TIMEOUT' : null;
    if (status !== 'REJECTED') return null;
    if (this.state.points === 'UNAVAILABLE') return 'POINTS_UNAVAILABLE';
    return this.state.payment === 'FAILED' ? 'PAYMENT_FAILED' : 'OUT_OF_STOCK';
  }

  get isTerminal(): boolean {
    return TERMINAL.includes(this.status);
  }

  /**
   * The customer's cancel: allowed from PENDING up to SHIPPING. Asked again once the order is CANCELING or CANCELED it
   * changes nothing (a retry after a lost answer): true only when this call canceled it.
   */
  cancel(): boolean {
    if (this.state.cancelRequested) return false;
    if (!CANCELABLE.includes(this.status)) throw new OrderNotCancelable(this.state.id, this.status);
    this.state.cancelRequested = true;
    this.state.cancelReason = 'CUSTOMER';
    return true;
  }

  /**
   * The saga's deadline passed while the payment never answered: the order is canceled as a customer's cancel would
   * be (whatever was done is undone), and says why. Only a PENDING order: true when this call canceled it.
   */
  cancelUnpaid(): boolean {
    if (this.status !== 'PENDING') return false;
    this.state.cancelRequested = true;
    this.state.cancelReason = 'PAYMENT_TIMEOUT';
    return true;
  }

  paymentApproved(): void {
    if (this.state.payment === 'NONE') this.state.payment = 'APPROVED';
  }

  paymentFailed(): void {
    if (this.state.payment === 'NONE') this.state.payment = 'FAILED';
  }

  paymentRefunded(): void {
    this.state.payment = 'REFUNDED';
  }

  paymentRefundFailed(): void {
    this.state.payment = 'REFUND_FAILED';
  }

  /** Payment gave up a charge that waited for the points: the order was canceled first. */
  paymentVoided(): void {
    if (this.state.payment === 'NONE') this.state.payment = 'VOIDED';
  }

  pointsReserved(): void {
    if (this.state.points === 'NONE') this.state.points = 'RESERVED';
  }

  /** Mileage refused the points: the order is REJECTED (POINTS_UNAVAILABLE), unless its cancel came first. */
  pointsReservationFailed(): void {
    if (this.state.points === 'NONE') this.state.points = 'UNAVAILABLE';
  }

  /** The points came back to the wallet (the order was rejected or canceled after they were taken). */
  pointsReleased(): void {
    if (this.state.points !== 'UNAVAILABLE') this.state.points = 'RELEASED';
  }

  storeOrderReceived(): void {
    if (this.state.store === 'NONE') this.state.store = 'RECEIVED';
  }

  stockReservationFailed(): void {
    if (this.state.store === 'NONE') this.state.store = 'OUT_OF_STOCK';
  }

  acceptedByStore(): void {
    if (this.state.store === 'NONE' || this.state.store === 'RECEIVED') this.state.store = 'ACCEPTED';
  }

  storeOrderCanceled(): void {
    this.state.store = 'CANCELED';
  }

  deliveryStarted(): void {
    if (this.state.delivery === 'NONE') this.state.delivery = 'STARTED';
  }

  deliveryCanceled(): void {
    this.state.delivery = 'CANCELED';
  }

  deliveryCompleted(): void {
    if (this.state.delivery !== 'CANCELED') this.state.delivery = 'COMPLETED';
  }
}
