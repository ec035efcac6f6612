import { randomUUID } from 'node:crypto';
import { acceptOrder, cancelOrder, linesPerProduct, PaidOrder, receivePaidOrder, StoreOrderState } from './store-order';

const WASHER = '7d2f1e3c-4b5a-4c6d-8e9f-0a1b2c3d4e5f';
const FRIDGE = '8e3a2f4d-5c6b-4d7e-9fa0-1b2c3d4e5f60';
const ORDER = '0b7e3c9a-8f4d-4c2e-9b1a-2d3e4f5a6b7c';
const CUSTOMER = '5f0c8a52-3c1e-4d55-9a1b-6c9f1e2d3a41';

const aPaidOrder = (overrides: Partial<PaidOrder> = {}): PaidOrder => ({
  orderId: ORDER,
  customerId: CUSTOMER,
  items: [
    { productId: WASHER, quantity: 1 },
    { productId: FRIDGE, quantity: 2 },
  ],
  deliveryAddress: 'Seoul, Gangnam-gu, Teheran-ro 123',
  deliveryPhone: '010-1234-5678',
  ...overrides,
});

/** Builds store orders in a given state: `aStoreOrder().received().build()`. */
function aStoreOrder() {
  const state: StoreOrderState = {
    id: randomUUID(),
    orderId: ORDER,
    customerId: CUSTOMER,
    status: 'RECEIVED',
    items: linesPerProduct(aPaidOrder().items),
    deliveryAddress: 'Seoul, Gangnam-gu, Teheran-ro 123',
    deliveryPhone: '010-1234-5678',
    stockReserved: true,
  };
  const builder = {
    received: () => ((state.status = 'RECEIVED'), (state.stockReserved = true), builder),
    accepted: () => ((state.status = 'ACCEPTED'), (state.stockReserved = true), builder),
    outOfStock: () => ((state.status = 'OUT_OF_STOCK'), (state.stockReserved = false), builder),
    canceled: () => ((state.status = 'CANCELED'), (state.stockReserved = false), builder),
    build: (): StoreOrderState => ({ ...state, items: [...state.items] }),
  };
  return builder;
}

const plentyOfStock = new Map([
  [WASHER, 5],
  [FRIDGE, 5],
]);
const types = (events: { definition: { type: string } }[]) => events.map((e) => e.definition.type);
const receive = (existing: StoreOrderState | null, shelf = plentyOfStock, autoAccept = false, paid = aPaidOrder()) =>
  receivePaidOrder(existing, paid, shelf, { id: 'store-order-1', autoAccept });

describe('StoreOrder', () => {
  describe('a paid order arrives', () => {
    it('reserves every line and announces StoreOrderReceived', () => {
      const { order, stockMoves, events } = receive(null);
      expect(order).toMatchObject({ id: 'store-order-1', status: 'RECEIVED', stockReserved: true });
      expect(stockMoves).toEqual([
        { productId: WASHER, quantity: -1 },
        { productId: FRIDGE, quantity: -2 },
      ]);
      expect(types(events)).toEqual(['StoreOrderReceived']);
      expect(events[0].payload).toEqual({ storeOrderId: 'store-order-1', orderId: ORDER, customerId: CUSTOMER, items: order!.items });
    });

    it('merges lines of one product before checking the shelf', () => {
      const paid = aPaidOrder({ items: [{ productId: WASHER, quantity: 3 }, { productId: WASHER, quantity: 3 }] });
      const { order, events } = receive(null, plentyOfStock, false, paid);
      expect(order!.status).toBe('OUT_OF_STOCK');
      expect(events[0].payload).toMatchObject({ items: [{ productId: WASHER, quantity: 6 }], shortProductIds: [WASHER] });
    });

    it('reserves nothing when any line is short (or unknown) and announces StockReservationFailed with the short products', () => {
      const { order, stockMoves, events } = receive(null, new Map([[WASHER, 5], [FRIDGE, 1]]));
      expect(order).toMatchObject({ status: 'OUT_OF_STOCK', stockReserved: false });
      expect(stockMoves).toEqual([]);
      expect(types(events)).toEqual(['StockReservationFailed']);
      expect(events[0].payload).toMatchObject({ orderId: ORDER, customerId: CUSTOMER, shortProductIds: [FRIDGE] });
      expect(receive(null, new Map([[FRIDGE, 5]])).events[0].payload).toMatchObject({ shortProductIds: [WASHER] });
    });

    it('with auto-accept, is received and accepted at once', () => {
      const { order, events } = receive(null, plentyOfStock, true);
      expect(order!.status).toBe('ACCEPTED');
      expect(types(events)).toEqual(['StoreOrderReceived', 'OrderAccepted']);
      expect(events[1].payload).toMatchObject({ deliveryAddress: 'Seoul, Gangnam-gu, Teheran-ro 123', deliveryPhone: '010-1234-5678' });
    });

    it('changes nothing for an order already known: received, short, accepted, or canceled before payment', () => {
      for (const existing of [aStoreOrder().received(), aStoreOrder().outOfStock(), aStoreOrder().accepted(), aStoreOrder().canceled()]) {
        expect(receive(existing.build())).toEqual({ order: null, stockMoves: [], events: [] });
      }
    });
  });

  describe('a clerk accepts', () => {
    it('accepts a received order and announces OrderAccepted with the delivery details', () => {
      const received = aStoreOrder().received().build();
      const { order, events } = acceptOrder(received);
      expect(order!.status).toBe('ACCEPTED');
      expect(events.map((e) => e.payload)).toEqual([
        {
          storeOrderId: received.id,
          orderId: ORDER,
          customerId: CUSTOMER,
          items: received.items,
          deliveryAddress: 'Seoul, Gangnam-gu, Teheran-ro 123',
          deliveryPhone: '010-1234-5678',
        },
      ]);
    });

    it('changes nothing, and raises nothing, for an order already accepted (a retried accept answers as the first did)', () => {
      expect(acceptOrder(aStoreOrder().accepted().build())).toEqual({ order: null, stockMoves: [], events: [] });
    });

    it.each([['outOfStock'], ['canceled']] as const)('refuses a %s order (STORE.ORDER_NOT_RECEIVED)', (state) => {
      expect(() => acceptOrder(aStoreOrder()[state]().build())).toThrow(expect.objectContaining({ code: 'STORE.ORDER_NOT_RECEIVED' }));
    });
  });

  describe('the customer cancels', () => {
    it.each([['received'], ['accepted']] as const)('puts the stock of a %s order back and confirms with stockReleased true', (state) => {
      const existing = aStoreOrder()[state]().build();
      const { order, stockMoves, events } = cancelOrder(existing, { orderId: ORDER, customerId: CUSTOMER }, 'unused');
      expect(order).toMatchObject({ id: existing.id, status: 'CANCELED', stockReserved: false });
      expect(stockMoves).toEqual(existing.items);
      expect(events.map((e) => [e.definition.type, e.payload])).toEqual([
        ['StoreOrderCanceled', { storeOrderId: existing.id, orderId: ORDER, customerId: CUSTOMER, stockReleased: true }],
      ]);
    });

    it('remembers a cancel for an order never seen (a tombstone) and confirms with stockReleased false', () => {
      const { order, stockMoves, events } = cancelOrder(null, { orderId: ORDER, customerId: CUSTOMER }, 'tombstone-1');
      expect(order).toMatchObject({ id: 'tombstone-1', orderId: ORDER, status: 'CANCELED', items: [], stockReserved: false });
      expect(stockMoves).toEqual([]);
      expect(events.map((e) => e.payload)).toEqual([{ storeOrderId: 'tombstone-1', orderId: ORDER, customerId: CUSTOMER, stockReleased: false }]);
      // and a payment approved afterwards reserves nothing
      expect(receive(order)).toEqual({ order: null, stockMoves: [], events: [] });
    });

    it('confirms the cancel of a short order once, with nothing to release (a cancel racing the reservation)', () => {
      const short = aStoreOrder().outOfStock().build();
      const { order, stockMoves, events } = cancelOrder(short, { orderId: ORDER, customerId: CUSTOMER }, 'unused');
      expect(order).toMatchObject({ id: short.id, status: 'CANCELED' });
      expect(stockMoves).toEqual([]);
      expect(events.map((e) => e.payload)).toEqual([{ storeOrderId: short.id, orderId: ORDER, customerId: CUSTOMER, stockReleased: false }]);
      expect(cancelOrder(order, { orderId: ORDER, customerId: CUSTOMER }, 'unused').events).toEqual([]);
    });

    it('changes nothing for an order already canceled', () => {
      expect(cancelOrder(aStoreOrder().canceled().build(), { orderId: ORDER, customerId: CUSTOMER }, 'unused')).toEqual({ order: null, stockMoves: [], events: [] });
    });
  });
});
