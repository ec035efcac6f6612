import { Injectable } from '@nestjs/common';
import { EventDefinition, PointsEarned, PointsReleased, PointsReservationFailed, PointsReserved, UserRegisteredPayload } from '@homestore/events';
import { Outbox, PendingEvent } from '@homestore/messaging';
import type { UnitOfWork } from '@homestore/persistence';
import { OrderPoints, PointsChange } from '../domain/order-points';
import { Wallet, WalletFact } from '../domain/wallet';
import { OrderPointsRepository } from '../infrastructure/order-points.repository';
import { WalletRepository } from '../infrastructure/wallet.repository';

/** The order an event is about, and whose wallet it touches. */
export interface OrderRef {
  orderId: string;
  customerId: string;
}

/**
 * Mileage's part of the saga, one event at a time, in the unit of work that also records the event in the inbox.
 *
 * Every handler takes the customer's wallet first, then the order's points: the wallet's lock covers the customer's
 * orders, so transactions wait on wallets only, never in a cycle. A wallet the customer does not have yet opens at
 * once, before the next await, with the welcome points: whatever event of the customer comes first. The decision is
 * the aggregates' own, right after the last await, on the wallet as it is then: the handlers of one customer's
 * different orders share the wallet in a unit of work and take turns at it.
 */
@Injectable()
export class MileageSaga {
  constructor(
    private readonly wallets: WalletRepository,
    private readonly orders: OrderPointsRepository,
    private readonly outbox: Outbox,
  ) {}

  /** UserRegistered: a customer's wallet opens with the welcome points, unless an order event opened it already; the store clerk gets none. */
  async welcome(work: UnitOfWork, user: UserRegisteredPayload): Promise<void> {
    if (user.role !== 'customer') return;
    await this.walletOf(work, user.userId);
  }

  /**
   * An order event: `fact` tells the order's points what happened, and they decide what the wallet does. Saved only
   * when the order learnt something new; the wallet's fact, if any, is announced with it.
   */
  async record(work: UnitOfWork, { orderId, customerId }: OrderRef, fact: (order: OrderPoints, wallet: Wallet) => PointsChange): Promise<void> {
    const wallet = await this.walletOf(work, customerId);
    const order = (await this.orders.load(work, orderId)) ?? OrderPoints.seen(orderId, customerId);
    const change = fact(order, wallet);
    if (!change) return;
    this.orders.save(work, order);
    if (!change.fact) return;
    this.wallets.save(work, wallet);
    this.outbox.add(work, [announcement(customerId, change.fact)]);
  }

  /** The customer's wallet, opened now (PointsEarned WELCOME) if mileage has not seen the customer before. */
  private async walletOf(work: UnitOfWork, customerId: string): Promise<Wallet> {
    const found = await this.wallets.load(work, customerId);
    if (found) return found;
    // Saved before the next await: the next handler of this customer in the unit of work finds it open.
    const { wallet, fact } = Wallet.open(customerId);
    this.wallets.save(work, wallet);
    this.outbox.add(work, [announcement(customerId, fact)]);
    return wallet;
  }
}

/** Each wallet fact's contract: its payload is the fact without its type, and the customer. */
const CONTRACTS = { PointsEarned, PointsReserved, PointsReservationFailed, PointsReleased } satisfies Record<WalletFact['type'], EventDefinition>;

/** The event announcing a wallet's fact. */
function announcement(customerId: string, { type, ...fact }: WalletFact): PendingEvent {
  return { definition: CONTRACTS[type], payload: { customerId, ...fact } };
}
