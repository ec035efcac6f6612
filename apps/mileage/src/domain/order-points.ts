import type { Wallet, WalletFact } from './wallet';

/**
 * The order's points in the wallet. NONE: nothing taken (the order spends none, mileage has not seen it placed, or it
 * ended before); REFUSED: the wallet held too few; RESERVED: taken; RELEASED: given back when the order ended.
 */
export type Reservation = 'NONE' | 'RESERVED' | 'REFUSED' | 'RELEASED';

/** How an order ended without being delivered: rejected (payment failed, out of stock) or canceled. */
export type OrderEnding = 'REJECTED' | 'CANCELED';

export interface OrderPointsState {
  orderId: string;
  customerId: string;
  /** The points the order spends; null until mileage has seen it placed. */
  pointsUsed: number | null;
  reservation: Reservation;
  /** The first end mileage heard of; null while the order goes on. */
  ended: OrderEnding | null;
  /** What payment charged; null until PaymentApproved. */
  amountCharged: number | null;
  delivered: boolean;
  /** What the order earned; null until decided (0 when 1 % of the charge rounds down to nothing). */
  pointsEarned: number | null;
}

/**
 * What an event did to an order's points: null when the order already held that fact (a redelivery, or the same fact
 * by another path: a second end), otherwise the change, with what the wallet announced if it was touched.
 */
export type PointsChange = { fact: WalletFact | null } | null;

/**
 * Mileage's record of one order: the facts it heard about it, from four topics in any order, each once. It decides
 * what the customer's wallet does for the order, on the facts it holds at that moment: points are reserved once, and
 * only for an order that has not ended; given back once, when it ends, only if they were taken; and 1 % of the
 * charge is earned once, when both the charge and the delivery are known, never for an order that ended.
 */
export class OrderPoints {
  private constructor(private state: OrderPointsState) {}

  static restore(state: OrderPointsState): OrderPoints {
    return new OrderPoints({ ...state });
  }

  /** An order mileage hears of for the first time: nothing known yet. */
  static seen(orderId: string, customerId: string): OrderPoints {
    return new OrderPoints({ orderId, customerId, pointsUsed: null, reservation: 'NONE', ended: null, amountCharged: null, delivered: false, pointsEarned: null });
  }

  /** OrderPlaced: takes the points it spends from the wallet, or is refused; nothing when it spends none or has ended. */
  placed(pointsUsed: number, wallet: Wallet): PointsChange {
    this.own(wallet);
    if (this.state.pointsUsed !== null) return null;
    this.state = { ...this.state, pointsUsed };
    if (pointsUsed === 0 || this.state.ended) return { fact: null };
    const fact = wallet.reserve(this.state.orderId, pointsUsed);
    this.state = { ...this.state, reservation: fact.type === 'PointsReserved' ? 'RESERVED' : 'REFUSED' };
    return { fact };
  }

  /** The order was rejected or canceled: reserved points go back, once; the first end is the one kept. */
  ended(how: OrderEnding, wallet: Wallet): PointsChange {
    this.own(wallet);
    if (this.state.ended) return null;
    this.state = { ...this.state, ended: how };
    if (this.state.reservation !== 'RESERVED') return { fact: null };
    this.state = { ...this.state, reservation: 'RELEASED' };
    return { fact: wallet.release(this.state.orderId, this.state.pointsUsed!, how === 'REJECTED' ? 'ORDER_REJECTED' : 'ORDER_CANCELED') };
  }

  /** PaymentApproved: what was charged, which the order earns 1 % of once delivered (at once if it already is). */
  charged(amount: number, wallet: Wallet): PointsChange {
    this.own(wallet);
    if (this.state.amountCharged !== null) return null;
    this.state = { ...this.state, amountCharged: amount };
    return { fact: this.earnIfDue(wallet) };
  }

  /** DeliveryCompleted: the order earns 1 % of its charge (once the charge is known, at once if it is). */
  delivered(wallet: Wallet): PointsChange {
    this.own(wallet);
    if (this.state.delivered) return null;
    this.state = { ...this.state, delivered: true };
    return { fact: this.earnIfDue(wallet) };
  }

  get snapshot(): Readonly<OrderPointsState> {
    return this.state;
  }

  /** floor(1 % of the charge), once both the charge and the delivery are known, never on an ended order; nothing announced for 0. */
  private earnIfDue(wallet: Wallet): WalletFact | null {
    const { delivered, amountCharged, ended, pointsEarned } = this.state;
    if (!delivered || amountCharged === null || ended || pointsEarned !== null) return null;
    const points = Math.floor(amountCharged / 100);
    this.state = { ...this.state, pointsEarned: points };
    return points > 0 ? wallet.earn(this.state.orderId, points) : null;
  }

  private own(wallet: Wallet): void {
    if (wallet.customerId !== this.state.customerId) throw new Error(`order ${this.state.orderId} is not in the wallet of ${wallet.customerId}`);
  }
}
