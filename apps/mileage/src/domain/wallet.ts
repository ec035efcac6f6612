import { WELCOME_POINTS } from '@homestore/events';
import type { EarnReason, PointsReservationFailureReason, ReleaseCause } from '@homestore/events';

export interface WalletState {
  customerId: string;
  /** Never below 0: points are only taken when the balance holds them. */
  balance: number;
}

/** What a line of the history did to the balance. */
export type EntryType = 'EARNED' | 'USED' | 'RELEASED';
/** Why: the welcome, an order (earned on delivery, or spent on it), or the end of an order that gave its points back. */
export type EntryReason = 'WELCOME' | 'ORDER' | ReleaseCause;

/** One line of the wallet's history, appended whenever the balance changes (and never changed afterwards). */
export interface WalletEntry {
  type: EntryType;
  reason: EntryReason;
  points: number;
  /** The order it was for; null for the welcome points. */
  orderId: string | null;
  /** The balance once the points were added or taken. */
  balance: number;
}

/** The facts a wallet announces, each with the balance after it; the application maps them onto the event contracts. */
export type WalletFact =
  | { type: 'PointsEarned'; reason: EarnReason; points: number; balance: number; orderId?: string }
  | { type: 'PointsReserved'; orderId: string; points: number; balance: number }
  | { type: 'PointsReservationFailed'; orderId: string; points: number; balance: number; reason: PointsReservationFailureReason }
  | { type: 'PointsReleased'; orderId: string; points: number; balance: number; cause: ReleaseCause };

const requirePoints = (points: number) => {
  if (!Number.isSafeInteger(points) || points < 1) throw new Error(`points must be a whole number of at least 1, not ${points}`);
};

/**
 * A customer's points: opened once, at the first sight of the customer, with the welcome points; points are taken
 * only when the balance holds them, so it never goes below 0. Which order's points are taken, given back or earned,
 * and only once, is each order's record's business (OrderPoints): the wallet does what it is told and keeps the
 * balance and its history.
 *
 * Every method decides on the balance as it is when called: the handlers of one customer's orders share this
 * instance in a unit of work and take turns between their awaits, so each sees what the one before it left.
 */
export class Wallet {
  /** Entries made since the wallet was loaded (or opened), oldest first: the store appends them to the history. */
  private readonly made: WalletEntry[] = [];

  private constructor(private state: WalletState) {}

  static restore(state: WalletState): Wallet {
    return new Wallet({ ...state });
  }

  /** The first sight of a customer: the wallet opens with the welcome points (PointsEarned WELCOME). */
  static open(customerId: string): { wallet: Wallet; fact: WalletFact } {
    const wallet = new Wallet({ customerId, balance: 0 });
    wallet.add({ type: 'EARNED', reason: 'WELCOME', points: WELCOME_POINTS, orderId: null }, WELCOME_POINTS);
    return { wallet, fact: { type: 'PointsEarned', reason: 'WELCOME', points: WELCOME_POINTS, balance: wallet.state.balance } };
  }

  get customerId(): string {
    return this.state.customerId;
  }

  /** Takes the points an order spends if the balance holds them (PointsReserved); otherwise takes nothing (PointsReservationFailed). */
  reserve(orderId: string, points: number): WalletFact {
    requirePoints(points);
    if (points > this.state.balance) {
      return { type: 'PointsReservationFailed', orderId, points, balance: this.state.balance, reason: 'INSUFFICIENT_POINTS' };
    }
    this.add({ type: 'USED', reason: 'ORDER', points, orderId }, -points);
    return { type: 'PointsReserved', orderId, points, balance: this.state.balance };
  }

  /** Gives back the points a rejected or canceled order had reserved (PointsReleased). */
  release(orderId: string, points: number, cause: ReleaseCause): WalletFact {
    requirePoints(points);
    this.add({ type: 'RELEASED', reason: cause, points, orderId }, points);
    return { type: 'PointsReleased', orderId, points, balance: this.state.balance, cause };
  }

  /** Adds what a delivered order earned (PointsEarned ORDER). */
  earn(orderId: string, points: number): WalletFact {
    requirePoints(points);
    this.add({ type: 'EARNED', reason: 'ORDER', points, orderId }, points);
    return { type: 'PointsEarned', reason: 'ORDER', points, balance: this.state.balance, orderId };
  }

  get snapshot(): Readonly<WalletState> {
    return this.state;
  }

  /** The history lines made since the wallet was loaded, oldest first. */
  get newEntries(): readonly WalletEntry[] {
    return this.made;
  }

  /** Changes the balance by `change` (negative: points taken) and writes the line saying why. */
  private add(entry: Omit<WalletEntry, 'balance'>, change: number): void {
    const balance = this.state.balance + change;
    if (balance < 0) throw new Error(`wallet ${this.state.customerId} would go below 0 (${balance})`);
    this.state = { ...this.state, balance };
    this.made.push({ ...entry, balance });
  }
}
