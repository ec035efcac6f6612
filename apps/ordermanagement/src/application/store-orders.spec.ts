import type { DataSource, EntityManager } from 'typeorm';
import { currentContext, inLanes, MessageContext, Outbox, PendingEvent, runInContext } from '@homestore/messaging';
import { UnitOfWork } from '@homestore/persistence';
import type { ProductState } from '../domain/product';
import type { PaidOrder, StoreOrderState } from '../domain/store-order';
import { ProductInWork, ProductRepository } from '../infrastructure/product.repository';
import { StoreOrderRepository } from '../infrastructure/store-order.repository';
import type { OrderManagementConfig } from '../ordermanagement.config';
import { StoreOrders } from './store-orders';

const WASHER = '7d2f1e3c-4b5a-4c6d-8e9f-0a1b2c3d4e5f';
const FRIDGE = '8e3a2f4d-5c6b-4d7e-9fa0-1b2c3d4e5f60';
const CUSTOMER = '5f0c8a52-3c1e-4d55-9a1b-6c9f1e2d3a41';

/** The store_orders table in memory: the repository with its two statements replaced, and what each was asked. */
class InMemoryStoreOrders extends StoreOrderRepository {
  readonly rows = new Map<string, StoreOrderState>();
  readonly reads: string[][] = [];
  readonly writes: string[][] = [];

  override async loadMany(_em: EntityManager, orderIds: string[]): Promise<Map<string, StoreOrderState>> {
    this.reads.push(orderIds);
    return new Map(orderIds.flatMap((id) => (this.rows.has(id) ? [[id, { ...this.rows.get(id)! }] as const] : [])));
  }

  override async saveMany(_em: EntityManager, orders: StoreOrderState[]): Promise<void> {
    this.writes.push(orders.map((o) => o.orderId));
    for (const o of orders) this.rows.set(o.orderId, { ...o });
  }
}

/** The products table in memory: its read and its write replaced; the announcements are the repository's own. */
class InMemoryProducts extends ProductRepository {
  readonly rows = new Map<string, ProductState>();
  readonly reads: string[][] = [];
  readonly writes: string[][] = [];

  constructor(outbox: Outbox, shelf: Record<string, number>) {
    super(outbox);
    for (const [id, stock] of Object.entries(shelf)) this.rows.set(id, { id, name: id, category: 'laundry', price: 1000, salePrice: null, stock, revision: 1 });
  }

  override async loadMany(_em: EntityManager, productIds: string[]): Promise<Map<string, ProductInWork>> {
    this.reads.push(productIds);
    return new Map(productIds.flatMap((id) => (this.rows.has(id) ? [[id, { product: { ...this.rows.get(id)! } }] as const] : [])));
  }

  protected override async write(_em: EntityManager, products: ProductState[]): Promise<void> {
    this.writes.push(products.map((p) => p.id));
    for (const p of products) {
      if (p.stock < 0) throw new Error(`CHECK (stock >= 0) violated by ${p.id}`);
      this.rows.set(p.id, { ...p });
    }
  }
}

/** Keeps the events raised, each with the flow it is raised in, instead of staging their rows. */
class RecordingOutbox extends Outbox {
  readonly raised: (PendingEvent & { context?: MessageContext })[] = [];

  constructor() {
    super('ordermanagement');
  }

  override add(_work: UnitOfWork, events: PendingEvent[]) {
    this.raised.push(...events.map((e) => ({ ...e, context: e.context ?? currentContext() })));
    return [];
  }
}

/** One of the saga's events for the store, as its handler passes it on, with the flow it is handled in. */
interface News {
  name: string;
  orderId: string;
  handle: (storeOrders: StoreOrders, work: UnitOfWork) => Promise<void>;
}

const aPaidOrder = (orderId: string, items: Record<string, number>): PaidOrder => ({
  orderId,
  customerId: CUSTOMER,
  items: Object.entries(items).map(([productId, quantity]) => ({ productId, quantity })),
  deliveryAddress: 'Seoul, Gangnam-gu, Teheran-ro 123',
  deliveryPhone: '010-1234-5678',
});
const paid = (orderId: string, items: Record<string, number>): News => ({
  name: `paid ${orderId}`,
  orderId,
  handle: (s, work) => s.receive(work, aPaidOrder(orderId, items)),
});
const canceled = (orderId: string): News => ({ name: `canceled ${orderId}`, orderId, handle: (s, work) => s.cancel(work, { orderId, customerId: CUSTOMER }) });
const flowOf = (news: News): MessageContext => ({ correlationId: `flow of ${news.name}`, causationId: news.name, traceId: '0'.repeat(32) });

/**
 * Handles the news as the consumer does: together (one unit of work, one lane per order, each order's news in order
 * and the orders side by side, each in its own flow) or one at a time (a unit of work each).
 */
async function handled(news: News[], how: 'together' | 'one at a time', shelf: Record<string, number>, autoAccept = false) {
  const outbox = new RecordingOutbox();
  const orders = new InMemoryStoreOrders();
  const products = new InMemoryProducts(outbox, shelf);
  const storeOrders = new StoreOrders({} as DataSource, orders, products, outbox, { STORE_AUTO_ACCEPT: autoAccept } as OrderManagementConfig);
  for (const run of how === 'together' ? [news] : news.map((n) => [n])) {
    const work = new UnitOfWork({} as EntityManager);
    await inLanes(run, (n) => n.orderId, (n) => runInContext(flowOf(n), () => n.handle(storeOrders, work)));
    await work.flush();
  }
  const events = outbox.raised.map((e) => ({ type: e.definition.type, payload: e.payload as Record<string, unknown>, cause: e.context?.causationId }));
  return {
    statuses: Object.fromEntries([...orders.rows].map(([orderId, o]) => [orderId, o.status])),
    stock: Object.fromEntries([...products.rows].map(([id, p]) => [id, p.stock])),
    orderEvents: (orderId: string) => events.filter((e) => e.payload.orderId === orderId).map((e) => [e.type, e.payload.stockReleased]),
    announced: (productId: string) => events.filter((e) => e.type === 'ProductChanged' && e.payload.productId === productId),
    events,
    orders,
    products,
  };
}

describe('StoreOrders (one event at a time, in the unit of work of a run)', () => {
  const [a, b, c] = ['order-a', 'order-b', 'order-c'];
  // a: reserved then canceled; b: reserved; c: canceled before it was paid, so never reserved.
  const mixed = () => [paid(a, { [FRIDGE]: 3 }), paid(b, { [FRIDGE]: 2 }), canceled(a), canceled(c), paid(c, { [FRIDGE]: 4 })];

  it.each([['together'], ['one at a time']] as const)('decides the same, %s: the stock, the store orders and their events', async (how) => {
    const result = await handled(mixed(), how, { [FRIDGE]: 10 });
    expect(result.stock).toEqual({ [FRIDGE]: 8 });
    expect(result.statuses).toEqual({ [a]: 'CANCELED', [b]: 'RECEIVED', [c]: 'CANCELED' });
    expect(result.orders.rows.get(c)!.items).toEqual([]);
    expect(result.orderEvents(a)).toEqual([
      ['StoreOrderReceived', undefined],
      ['StoreOrderCanceled', true],
    ]);
    expect(result.orderEvents(b)).toEqual([['StoreOrderReceived', undefined]]);
    expect(result.orderEvents(c)).toEqual([['StoreOrderCanceled', false]]);
    // Every event names the news it answers as its cause.
    for (const e of result.events.filter((e) => e.type !== 'ProductChanged')) expect(e.cause).toMatch(new RegExp(`${e.payload.orderId}$`));
  });

  it('reads the store orders of a run in one statement and its products in another, writes each once, and announces a moved product once with its final stock', async () => {
    const { orders, products, announced } = await handled(mixed(), 'together', { [FRIDGE]: 10 });
    expect(orders.reads).toEqual([[a, b, c]]);
    expect(products.reads).toEqual([[FRIDGE]]);
    expect(orders.writes.map((ids) => [...ids].sort())).toEqual([[a, b, c]]);
    expect(products.writes).toEqual([[FRIDGE]]);
    expect(announced(FRIDGE).map((e) => [e.payload.stock, e.payload.revision])).toEqual([[8, 4]]);
  });

  it('announces the product after each unit of work that moved its stock when the news come one at a time', async () => {
    const { announced } = await handled(mixed(), 'one at a time', { [FRIDGE]: 10 });
    expect(announced(FRIDGE).map((e) => [e.payload.stock, e.payload.revision])).toEqual([
      [7, 2],
      [5, 3],
      [8, 4],
    ]);
  });

  it('announces each product in the flow of the news that moved it last', async () => {
    const { announced } = await handled([paid(a, { [WASHER]: 1, [FRIDGE]: 1 }), paid(b, { [FRIDGE]: 1 }), canceled(a)], 'together', { [WASHER]: 5, [FRIDGE]: 5 });
    expect(announced(WASHER).map((e) => [e.payload.stock, e.cause])).toEqual([[5, `canceled ${a}`]]);
    expect(announced(FRIDGE).map((e) => [e.payload.stock, e.cause])).toEqual([[4, `canceled ${a}`]]);
    const apart = await handled([paid(a, { [WASHER]: 1 }), paid(b, { [FRIDGE]: 1 })], 'together', { [WASHER]: 5, [FRIDGE]: 5 });
    expect(apart.announced(WASHER).map((e) => e.cause)).toEqual([`paid ${a}`]);
    expect(apart.announced(FRIDGE).map((e) => e.cause)).toEqual([`paid ${b}`]);
  });

  it.each([['together'], ['one at a time']] as const)('sells exactly the last 5 units to 20 paid orders, %s, each answer caused by its own news', async (how) => {
    const orderIds = Array.from({ length: 20 }, (_, i) => `order-${i}`);
    const result = await handled(orderIds.map((id) => paid(id, { [FRIDGE]: 1 })), how, { [FRIDGE]: 5 });
    const types = orderIds.map((id) => result.orderEvents(id).map(([type]) => type));
    expect(types.filter(([t]) => t === 'StoreOrderReceived')).toHaveLength(5);
    expect(types.filter(([t]) => t === 'StockReservationFailed')).toHaveLength(15);
    expect(types.every((t) => t.length === 1)).toBe(true);
    expect(result.stock).toEqual({ [FRIDGE]: 0 });
    expect(result.announced(FRIDGE).map((e) => e.payload.stock)).toEqual(how === 'together' ? [0] : [4, 3, 2, 1, 0]);
    for (const e of result.events.filter((e) => e.type !== 'ProductChanged')) expect(e.cause).toBe(`paid ${e.payload.orderId}`);
  });

  it('never lets the stock go negative nor loses a unit, whatever the order the news arrive in, together or one at a time', async () => {
    const news = [paid(a, { [FRIDGE]: 3 }), canceled(a), paid(b, { [FRIDGE]: 3, [WASHER]: 1 }), paid(c, { [FRIDGE]: 2 })];
    const orderings = permutations(news);
    expect(orderings).toHaveLength(24);
    for (const ordering of orderings) {
      for (const how of ['together', 'one at a time'] as const) {
        const { stock, orders, orderEvents } = await handled(ordering, how, { [FRIDGE]: 5, [WASHER]: 1 });
        const reserved = (productId: string) =>
          [...orders.rows.values()].filter((o) => o.stockReserved).flatMap((o) => o.items).filter((l) => l.productId === productId).reduce((n, l) => n + l.quantity, 0);
        expect(stock[FRIDGE]).toBeGreaterThanOrEqual(0);
        expect(stock[FRIDGE] + reserved(FRIDGE)).toBe(5);
        expect(stock[WASHER] + reserved(WASHER)).toBe(1);
        expect(orders.rows.get(a)!.status).toBe('CANCELED');
        // A cancel that came first leaves a tombstone: the payment after it reserves nothing.
        const cancelFirst = ordering.findIndex((n) => n.name === `canceled ${a}`) < ordering.findIndex((n) => n.name === `paid ${a}`);
        expect(orderEvents(a)).toEqual(cancelFirst ? [['StoreOrderCanceled', false]] : [expect.anything(), ['StoreOrderCanceled', orderEvents(a)[0][0] === 'StoreOrderReceived']]);
      }
    }
  });

  it('accepts the order right after reserving its stock with STORE_AUTO_ACCEPT', async () => {
    const { statuses, orderEvents } = await handled([paid(a, { [WASHER]: 1 })], 'together', { [WASHER]: 1 }, true);
    expect(statuses).toEqual({ [a]: 'ACCEPTED' });
    expect(orderEvents(a).map(([type]) => type)).toEqual(['StoreOrderReceived', 'OrderAccepted']);
  });
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}
