/**
 * The order aggregate and the saga's state. It records the facts each participant reported (payment, store,
 * delivery, the customer's cancel) and derives the status from them, so the same facts give the same status
 * whatever order they arrived in: events from different topics interleave freely, those of one topic keep order.
 */
import { OrderNotCancelable } from './order.errors';

export const ORDER_STATUSES = ['PENDING', 'PAID', 'RECEIVED', 'ACCEPTED', 'SHIPPING', 'DELIVERED', 'REJECTED', 'CANCELING', 'CANCELED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type StatusReason = 'PAYMENT_FAILED' | 'OUT_OF_STOCK' | null;
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
}

const TERMINAL: OrderStatus[] = ['DELIVERED', 'REJECTED', 'CANCELED'];
const CANCELABLE: OrderStatus[] = ['PENDING', 'PAID', 'RECEIVED', 'ACCEPTED', 'SHIPPING'];

export class Order {
  private constructor(private state: OrderState) {}

  /** A new order, priced by the caller from the product replica. */
  static place(id: string, customerId: string, items: OrderLine[]): Order {
    const totalAmount = items.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
    return new Order({ id, customerId, items, totalAmount, payment: 'NONE', store: 'NONE', delivery: 'NONE', cancelRequested: false });
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
    if (this.status !== 'REJECTED') return null;
    return this.state.payment === 'FAILED' ? 'PAYMENT_FAILED' : 'OUT_OF_STOCK';
  }

  get isTerminal(): boolean {
    return TERMINAL.includes(this.status);
  }

  /** The customer's cancel: allowed from PENDING up to SHIPPING. */
  cancel(): void {
    if (!CANCELABLE.includes(this.status)) throw new OrderNotCancelable(this.state.id, this.status);
    this.state.cancelRequested = true;
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
