import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { inLanes, Outbox, PendingEvent } from '@homestore/messaging';
import { UnitOfWork } from '@homestore/persistence';
import { OrderPoints, OrderPointsState } from '../domain/order-points';
import { Wallet, WalletEntry, WalletState } from '../domain/wallet';
import { OrderPointsRepository } from '../infrastructure/order-points.repository';
import { WalletRepository } from '../infrastructure/wallet.repository';
import { MileageSaga } from './mileage-saga';

/** Every read of the two stores, in the order asked: which store, which keys. */
type Reads = ['wallets' | 'orders', string[]][];

/** The wallets and their history in memory: the repository with its two statements replaced. */
class InMemoryWallets extends WalletRepository {
  readonly rows = new Map<string, WalletState>();
  readonly history: (WalletEntry & { customerId: string })[] = [];

  constructor(private readonly reads: Reads) {
    super();
  }

  override async loadMany(_em: EntityManager, customerIds: string[]): Promise<Map<string, Wallet>> {
    this.reads.push(['wallets', customerIds]);
    return new Map(customerIds.flatMap((id) => (this.rows.has(id) ? [[id, Wallet.restore(this.rows.get(id)!)] as const] : [])));
  }

  override async saveMany(_em: EntityManager, wallets: Wallet[]): Promise<void> {
    for (const w of wallets) {
      this.rows.set(w.customerId, { ...w.snapshot });
      this.history.push(...w.newEntries.map((entry) => ({ ...entry, customerId: w.customerId })));
    }
  }
}

/** The orders' points in memory. */
class InMemoryOrders extends OrderPointsRepository {
  readonly rows = new Map<string, OrderPointsState>();
  writes = 0;

  constructor(private readonly reads: Reads) {
    super();
  }

  override async loadMany(_em: EntityManager, orderIds: string[]): Promise<Map<string, OrderPoints>> {
    this.reads.push(['orders', orderIds]);
    return new Map(orderIds.flatMap((id) => (this.rows.has(id) ? [[id, OrderPoints.restore(this.rows.get(id)!)] as const] : [])));
  }

  override async saveMany(_em: EntityManager, orders: OrderPoints[]): Promise<void> {
    this.writes += orders.length;
    for (const o of orders) this.rows.set(o.snapshot.orderId, { ...o.snapshot });
  }
}

/** Keeps the events raised instead of staging their rows. */
class RecordingOutbox extends Outbox {
  readonly raised: PendingEvent[] = [];

  constructor() {
    super('mileage');
  }

  override add(_work: UnitOfWork, events: PendingEvent[]) {
    this.raised.push(...events);
    return [];
  }
}

/** An event as its handler passes it on, with its Kafka key and its order (the consumer's lanes). */
interface MileageEvent {
  key: string;
  orderId?: string;
  handle: (saga: MileageSaga, work: UnitOfWork) => Promise<void>;
}

const registered = (userId: string, role: 'customer' | 'store' = 'customer'): MileageEvent => ({
  key: userId,
  handle: (s, w) => s.welcome(w, { userId, email: 'kim@example.com', name: 'Kim Minji', phone: '010-1234-5678', role }),
});
const orderEvent = (customerId: string, orderId: string, what: Parameters<MileageSaga['record']>[2]): MileageEvent => ({
  key: orderId,
  orderId,
  handle: (s, w) => s.record(w, { orderId, customerId }, what),
});
const placed = (customerId: string, orderId: string, pointsUsed: number) => orderEvent(customerId, orderId, (o, w) => o.placed(pointsUsed, w));
const canceled = (customerId: string, orderId: string) => orderEvent(customerId, orderId, (o, w) => o.ended('CANCELED', w));
const rejected = (customerId: string, orderId: string) => orderEvent(customerId, orderId, (o, w) => o.ended('REJECTED', w));
const approved = (customerId: string, orderId: string, amount: number) => orderEvent(customerId, orderId, (o, w) => o.charged(amount, w));
const delivered = (customerId: string, orderId: string) => orderEvent(customerId, orderId, (o, w) => o.delivered(w));

/**
 * Handles the events as the consumer does: together (one unit of work; one lane per Kafka key and per order, each
 * lane's events in order, the lanes side by side) or one at a time (a unit of work each), on the same stores.
 */
function aMileage() {
  const reads: Reads = [];
  const wallets = new InMemoryWallets(reads);
  const orders = new InMemoryOrders(reads);
  const outbox = new RecordingOutbox();
  const saga = new MileageSaga(wallets, orders, outbox);
  const handled = async (events: MileageEvent[], how: 'together' | 'one at a time') => {
    for (const run of how === 'together' ? [events] : events.map((e) => [e])) {
      const work = new UnitOfWork({} as EntityManager);
      await inLanes(run, (e) => [`k:${e.key}`, ...(e.orderId ? [`o:${e.orderId}`] : [])], (e) => e.handle(saga, work));
      await work.flush();
    }
  };
  const raised = () => outbox.raised.map((e) => ({ type: e.definition.type, ...e.payload }));
  return { handled, raised, wallets, orders, reads };
}

describe('MileageSaga (one event at a time, in the unit of work of a run)', () => {
  it.each(['together', 'one at a time'] as const)('opens a wallet once, with the welcome points, however often the customer registers (%s)', async (how) => {
    const { handled, raised, wallets } = aMileage();
    const [customer, clerk] = [randomUUID(), randomUUID()];
    await handled([registered(customer), registered(customer), registered(clerk, 'store')], how);
    await handled([registered(customer)], how);
    expect(raised()).toEqual([{ type: 'PointsEarned', customerId: customer, reason: 'WELCOME', points: 5000, balance: 5000 }]);
    expect(wallets.rows.get(customer)).toEqual({ customerId: customer, balance: 5000 });
    expect(wallets.rows.has(clerk)).toBe(false);
    expect(wallets.history).toEqual([{ customerId: customer, type: 'EARNED', reason: 'WELCOME', points: 5000, orderId: null, balance: 5000 }]);
  });

  it.each(['together', 'one at a time'] as const)('opens the wallet at the first order event of a customer it has not seen; UserRegistered after it gives nothing more (%s)', async (how) => {
    const { handled, raised, wallets } = aMileage();
    const customer = randomUUID();
    const order = randomUUID();
    await handled([placed(customer, order, 1200), registered(customer)], how);
    await handled([registered(customer)], how);
    expect(raised().map(({ type, balance }) => [type, balance])).toEqual([
      ['PointsEarned', 5000],
      ['PointsReserved', 3800],
    ]);
    expect(wallets.history.map((line) => [line.type, line.reason, line.points])).toEqual([
      ['EARNED', 'WELCOME', 5000],
      ['USED', 'ORDER', 1200],
    ]);
  });

  it('opens the wallet on an order event that touches no points too (PaymentApproved of an order it never saw placed)', async () => {
    const { handled, raised, orders } = aMileage();
    const [customer, order] = [randomUUID(), randomUUID()];
    await handled([approved(customer, order, 10_000)], 'together');
    expect(raised().map((e) => [e.type, e.customerId])).toEqual([['PointsEarned', customer]]);
    expect(orders.rows.get(order)).toMatchObject({ amountCharged: 10_000, pointsUsed: null });
  });

  it.each(['together', 'one at a time'] as const)('20 orders of one customer spending 400 points each never overdraw the wallet: 12 reserved, 8 refused (%s)', async (how) => {
    const { handled, raised, wallets, reads } = aMileage();
    const customer = randomUUID();
    const orderIds = Array.from({ length: 20 }, () => randomUUID());
    await handled(orderIds.map((id) => placed(customer, id, 400)), how);
    const facts = raised().filter((e) => e.type !== 'PointsEarned');
    expect(facts.filter((e) => e.type === 'PointsReserved')).toHaveLength(12);
    expect(facts.filter((e) => e.type === 'PointsReservationFailed')).toHaveLength(8);
    expect(facts.filter((e) => e.type === 'PointsReserved').map((e) => e.balance)).toEqual(Array.from({ length: 12 }, (_, i) => 5000 - 400 * (i + 1)));
    expect(wallets.rows.get(customer)!.balance).toBe(200);
    expect(wallets.history.filter((line) => line.type === 'USED')).toHaveLength(12);
    // Side by side, the 20 handlers shared one wallet: one read of it, one of the orders.
    if (how === 'together') expect(reads.map(([store, keys]) => [store, keys.length])).toEqual([['wallets', 1], ['orders', 20]]);
  });

  it('takes each customer before any of their orders, so transactions only ever wait on wallets', async () => {
    const { handled, reads } = aMileage();
    const [kim, lee] = [randomUUID(), randomUUID()];
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await handled([placed(kim, a, 100), approved(lee, b, 5000), registered(lee), placed(kim, c, 100), delivered(lee, b), canceled(kim, a)], 'together');
    const customerOf = new Map<string, string>([[a, kim], [b, lee], [c, kim]]);
    const walletsRead = new Set<string>();
    for (const [store, keys] of reads) {
      if (store === 'wallets') keys.forEach((k) => walletsRead.add(k));
      else for (const orderId of keys) expect(walletsRead.has(customerOf.get(orderId)!)).toBe(true);
    }
    expect(reads.map(([store]) => store)).toEqual(['wallets', 'orders']);
  });

  it.each(['together', 'one at a time'] as const)('gives reserved points back once when the order ends, whichever ends come (%s)', async (how) => {
    const { handled, raised, wallets } = aMileage();
    const customer = randomUUID();
    const [declined, short, canceledOrder] = [randomUUID(), randomUUID(), randomUUID()];
    await handled([placed(customer, declined, 1000), placed(customer, short, 2000), placed(customer, canceledOrder, 1500)], how);
    await handled(
      [rejected(customer, declined), rejected(customer, short), canceled(customer, canceledOrder), canceled(customer, declined), rejected(customer, short), canceled(customer, canceledOrder)],
      how,
    );
    const released = raised().filter((e) => e.type === 'PointsReleased');
    expect(released.map((e) => [e.orderId, e.points, e.cause]).sort()).toEqual(
      [
        [declined, 1000, 'ORDER_REJECTED'],
        [short, 2000, 'ORDER_REJECTED'],
        [canceledOrder, 1500, 'ORDER_CANCELED'],
      ].sort(),
    );
    expect(wallets.rows.get(customer)!.balance).toBe(5000);
  });

  it('earns 1 % of the charge once the order is delivered, either arrival order, and nothing for an ended order', async () => {
    const { handled, raised, wallets } = aMileage();
    const customer = randomUUID();
    const [first, second, ended] = [randomUUID(), randomUUID(), randomUUID()];
    await handled([registered(customer), approved(customer, first, 1_234_567), delivered(customer, second), canceled(customer, ended)], 'together');
    await handled([delivered(customer, first), approved(customer, second, 99_900), approved(customer, ended, 500_000), delivered(customer, ended)], 'together');
    await handled([delivered(customer, first), approved(customer, second, 99_900)], 'one at a time');
    const earned = raised().filter((e) => e.type === 'PointsEarned' && e.reason === 'ORDER');
    expect(earned.map((e) => [e.orderId, e.points]).sort()).toEqual([[first, 12_345], [second, 999]].sort());
    expect(wallets.rows.get(customer)!.balance).toBe(5000 + 12_345 + 999);
  });

  it('ends a mixed run as one at a time would: the same events per order, the same balances', async () => {
    const customers = [randomUUID(), randomUUID(), randomUUID()];
    const orders = customers.flatMap((c) => [randomUUID(), randomUUID(), randomUUID()].map((o) => [c, o] as const));
    const events = (): MileageEvent[] => [
      ...orders.map(([c, o], i) => placed(c, o, 100 * (i + 1))),
      registered(customers[0]),
      ...orders.filter((_, i) => i % 3 === 0).map(([c, o]) => rejected(c, o)),
      ...orders.map(([c, o]) => approved(c, o, 250_000)),
      ...orders.filter((_, i) => i % 3 === 1).map(([c, o]) => canceled(c, o)),
      ...orders.map(([c, o]) => delivered(c, o)),
      registered(customers[1]),
    ];
    const together = aMileage();
    const alone = aMileage();
    await together.handled(events(), 'together');
    await alone.handled(events(), 'one at a time');
    expect(together.wallets.rows).toEqual(alone.wallets.rows);
    expect(together.orders.rows).toEqual(alone.orders.rows);
    const byOrder = (raised: Record<string, unknown>[]) => raised.map((e) => [e.customerId, e.orderId ?? null, e.type, e.points]).sort();
    expect(byOrder(together.raised())).toEqual(byOrder(alone.raised()));
  });
});
