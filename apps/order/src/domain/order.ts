/**
 * The order aggregate and the saga's state. It records the facts each participant reported (payment, store,
 * delivery, the customer's cancel) and derives the status from them, so the same facts give the same status
 * whatever order they arrived in: events from different topics interleave freely, those of one topic keep order.
 */
import { OrderNotCancelable } from './order.errors';

export const ORDER_STATUSES = ['PENDING', 'PAID', 'RECEIVED', 'ACCEPTED', 'SHIPPING', 'DELIVERED', 'REJECTED', 'CANCELING', 'CANCELED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** Why an order was REJECTED, or why it was canceled when the customer did not ask (its saga's deadline passed). */
export type StatusReason = 'PAYMENT_FAILED' | 'OUT_OF_STOCK' | 'PAYMENT_TIMEOUT' | null;
/** Who or what canceled an order: the customer, or its deadline while the payment never answered. */
export type CancelReason = 'CUSTOMER' | 'PAYMENT_TIMEOUT';
export type PaymentFact = 'NONE' | 'APPROVED' | 'FAILED' | 'REFUNDED' | 'REFUND_FAILED';
export type StoreFact = 'NONE' | 'RECEIVED' | 'OUT_OF_STOCK' | 'ACCEPTED' | 'CANCELED';
export type DeliveryFact = 'NONE' | 'STARTED' | 'CANCELED' | 'COMPLETED';

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
  payment: PaymentFact;
  store: StoreFact;
  delivery: DeliveryFact;
  cancelRequested: boolean;
  /** Set with cancelRequested (null for orders canceled before reasons were kept: the customer). */
  cancelReason?: CancelReason | null;
}

const TERMINAL: OrderStatus[] = ['DELIVERED', 'REJECTED', 'CANCELED'];
const CANCELABLE: OrderStatus[] = ['PENDING', 'PAID', 'RECEIVED', 'ACCEPTED', 'SHIPPING'];

export class Order {
  private constructor(private state: OrderState) {}

  /** A new order, priced by the caller from the product replica. */
  static place(id: string, customerId: string, items: OrderLine[]): Order {
    const totalAmount = items.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
    return new Order({ id, customerId, items, totalAmount, payment: 'NONE', store: 'NONE', delivery: 'NONE', cancelRequested: false, cancelReason: null });
  }

  static restore(state: OrderState): Order {
    return new Order({ ...state });
  }

  get snapshot(): Readonly<OrderState> {
    return this.state;
  }

  get status(): OrderStatus {
    const { payment, store, delivery, cancelRequested } = this.state;
    if (cancelRequested) {
      const paymentSettled = payment === 'FAILED' || payment === 'REFUNDED' || payment === 'REFUND_FAILED';
      return paymentSettled && store === 'CANCELED' ? 'CANCELED' : 'CANCELING';
    }
    if (payment === 'FAILED' || store === 'OUT_OF_STOCK') return 'REJECTED';
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
