/**
 * The store's side of an order: reserved on payment, accepted by a clerk, canceled on the customer's cancel.
 * A cancel for an order the store has not seen yet leaves a CANCELED tombstone, so a PaymentApproved arriving
 * after it (events from different topics interleave freely) reserves nothing. Every decision is a pure function
 * of what the store knows: the order (or its absence) and, for a reservation, the stock on the shelf.
 */
import {
  EventDefinition,
  OrderAccepted,
  StockReservationFailed,
  StoreOrderCanceled,
  StoreOrderReceived,
} from '@homestore/events';
import { StoreOrderNotReceived } from './store.errors';

export type StoreOrderStatus = 'RECEIVED' | 'ACCEPTED' | 'CANCELED' | 'OUT_OF_STOCK';

export interface StockLine {
  productId: string;
  quantity: number;
}

export interface StoreOrderState {
  id: string;
  orderId: string;
  customerId: string;
  status: StoreOrderStatus;
  /** One line per product; empty for a tombstone. */
  items: StockLine[];
  deliveryAddress: string | null;
  deliveryPhone: string | null;
  /** Whether the items' stock is currently taken off the shelf for this order. */
  stockReserved: boolean;
}

/** An event to raise, in the shape the outbox takes. */
export interface RaisedEvent {
  definition: EventDefinition;
  payload: object;
}

/** What PaymentApproved tells the store about the order. */
export interface PaidOrder {
  orderId: string;
  customerId: string;
  items: StockLine[];
  deliveryAddress: string;
  deliveryPhone: string;
}

export interface Decision {
  /** The store order to save, or null when nothing changes. */
  order: StoreOrderState | null;
  /** Stock to move per product: negative taken off the shelf, positive put back. */
  stockMoves: StockLine[];
  events: RaisedEvent[];
}

const NOTHING: Decision = { order: null, stockMoves: [], events: [] };

/** Lines merged per product, in product-id order (the order rows are locked in). */
export function linesPerProduct(items: StockLine[]): StockLine[] {
  const quantities = new Map<string, number>();
  for (const { productId, quantity } of items) quantities.set(productId, (quantities.get(productId) ?? 0) + quantity);
  return [...quantities].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([productId, quantity]) => ({ productId, quantity }));
}

/**
 * A paid order reaches the store: reserve every line or none. `shelf` has the stock of each known product
 * (a product missing from it counts as short). An order already known (received, short, or a cancel tombstone)
 * changes nothing.
 */
export function receivePaidOrder(
  existing: StoreOrderState | null,
  paid: PaidOrder,
  shelf: ReadonlyMap<string, number>,
  options: { id: string; autoAccept: boolean },
): Decision {
  if (existing) return NOTHING;
  const items = linesPerProduct(paid.items);
  const { orderId, customerId, deliveryAddress, deliveryPhone } = paid;
  const base = { id: options.id, orderId, customerId, items, deliveryAddress, deliveryPhone };
  const shortProductIds = items.filter((l) => (shelf.get(l.productId) ?? 0) < l.quantity).map((l) => l.productId);
  if (shortProductIds.length) {
    return {
      order: { ...base, status: 'OUT_OF_STOCK', stockReserved: false },
      stockMoves: [],
      events: [{ definition: StockReservationFailed, payload: { storeOrderId: base.id, orderId, customerId, items, shortProductIds } }],
    };
  }
  const received: StoreOrderState = { ...base, status: 'RECEIVED', stockReserved: true };
  const events: RaisedEvent[] = [{ definition: StoreOrderReceived, payload: { storeOrderId: base.id, orderId, customerId, items } }];
  if (!options.autoAccept) return { order: received, stockMoves: taken(items), events };
  const accepted = acceptOrder(received);
  return { order: accepted.order, stockMoves: taken(items), events: [...events, ...accepted.events] };
}

/**
 * A clerk accepts a received order: it is ready to be delivered. Accepting it again changes nothing (a clerk's retry
 * after a lost answer gets the same answer); any other state refuses.
 */
export function acceptOrder(order: StoreOrderState): Decision {
  if (order.status === 'ACCEPTED') return NOTHING;
  if (order.status !== 'RECEIVED') throw new StoreOrderNotReceived(order.orderId, order.status);
  const { id: storeOrderId, orderId, customerId, items, deliveryAddress, deliveryPhone } = order;
  return {
    order: { ...order, status: 'ACCEPTED' },
    stockMoves: [],
    events: [{ definition: OrderAccepted, payload: { storeOrderId, orderId, customerId, items, deliveryAddress, deliveryPhone } }],
  };
}

/**
 * The customer canceled: put reserved stock back and confirm; for an order never seen, remember the cancel
 * (a tombstone) and confirm that nothing was reserved. A short order is confirmed too (nothing to release): the
 * customer may cancel a PAID order while the store is finding it short, and the order service waits for the
 * store's confirmation before it calls the order CANCELED. An order already canceled changes nothing.
 */
export function cancelOrder(existing: StoreOrderState | null, canceled: { orderId: string; customerId: string }, newId: string): Decision {
  if (!existing) {
    const tombstone: StoreOrderState = {
      id: newId,
      ...canceled,
      status: 'CANCELED',
      items: [],
      deliveryAddress: null,
      deliveryPhone: null,
      stockReserved: false,
    };
    return { order: tombstone, stockMoves: [], events: [confirmation(tombstone, false)] };
  }
  if (existing.status === 'CANCELED') return NOTHING;
  const stockMoves = existing.stockReserved ? existing.items.map(({ productId, quantity }) => ({ productId, quantity })) : [];
  const order: StoreOrderState = { ...existing, status: 'CANCELED', stockReserved: false };
  return { order, stockMoves, events: [confirmation(order, existing.stockReserved)] };
}

function taken(items: StockLine[]): StockLine[] {
  return items.map(({ productId, quantity }) => ({ productId, quantity: -quantity }));
}

function confirmation(order: StoreOrderState, stockReleased: boolean): RaisedEvent {
  return { definition: StoreOrderCanceled, payload: { storeOrderId: order.id, orderId: order.orderId, customerId: order.customerId, stockReleased } };
}
