/**
 * The myPage projection, as a pure function: (the order's read row, one event) → the new row. It keeps the
 * facts each participant reported, as the order aggregate does, and lets the aggregate derive the status (one
 * piece of logic for both). History is a set keyed by eventId, sorted by occurredAt then eventId, and updatedAt
 * is the newest occurredAt seen: so any arrival order and any number of redeliveries end in the same row.
 */
import {
  ALL_EVENTS,
  EventDefinition,
  EventEnvelope,
  OrderCanceled,
  OrderPlaced,
  OrderPlacedPayload,
  PointsEarned,
  PointsEarnedPayload,
} from '@homestore/events';
import { DeliveryFact, Order, OrderLine, OrderState, OrderStatus, PaymentFact, PointsFact, StoreFact } from '../domain/order';
import { PARTICIPANT_FACTS } from '../domain/participant-facts';

export interface MyPageHistoryEntry {
  eventId: string;
  eventType: string;
  occurredAt: string;
}

/** One order on myPage. customerId, items, totalAmount and pointsUsed stay null until OrderPlaced arrives. */
export interface MyPageOrder {
  orderId: string;
  customerId: string | null;
  items: OrderLine[] | null;
  totalAmount: number | null;
  pointsUsed: number | null;
  /** What its delivery earned (PointsEarned, reason ORDER); 0 until then. */
  pointsEarned: number;
  payment: PaymentFact;
  store: StoreFact;
  delivery: DeliveryFact;
  points: PointsFact;
  cancelRequested: boolean;
  status: OrderStatus;
  updatedAt: string;
  history: MyPageHistoryEntry[];
}

type Fact = (order: Order) => void;

/**
 * What each event tells myPage: the participants' facts, as the saga records them; the order's own events and the
 * points an order earned carry data.
 */
const FACTS: Record<string, Fact> = {
  [OrderPlaced.type]: () => undefined,
  [OrderCanceled.type]: () => undefined, // cancelRequested is set below: the order service already accepted the cancel
  [PointsEarned.type]: () => undefined, // pointsEarned is set below
  ...PARTICIPANT_FACTS,
};

/**
 * Whether the projection takes this event: every event of MYPAGE_EVENTS that names its order. The welcome points
 * (PointsEarned WELCOME) name none: they are the wallet's, not an order's.
 */
export function projects(event: EventEnvelope<unknown>): boolean {
  return event.eventType in FACTS && typeof (event.payload as { orderId?: unknown }).orderId === 'string';
}

/** Every event myPage is kept from: every event of an order's saga. */
export const MYPAGE_EVENTS: EventDefinition[] = ALL_EVENTS.filter((definition) => definition.orderIdField);

/** The order an event belongs to (every event myPage `projects` carries it in its payload). */
export function orderIdOf(event: EventEnvelope<unknown>): string {
  return (event.payload as { orderId: string }).orderId;
}

const byTimeThenId = (a: MyPageHistoryEntry, b: MyPageHistoryEntry) =>
  a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;

/** A row for an order known only by its id, before any event was applied. */
export function emptyRow(orderId: string): MyPageOrder {
  return {
    orderId,
    customerId: null,
    items: null,
    totalAmount: null,
    pointsUsed: null,
    pointsEarned: 0,
    payment: 'NONE',
    store: 'NONE',
    delivery: 'NONE',
    points: 'NONE',
    cancelRequested: false,
    status: 'PENDING',
    updatedAt: new Date(0).toISOString(),
    history: [],
  };
}

/** The facts of a row as the order aggregate holds them, for it to record one more and derive the status. */
const asOrder = (row: MyPageOrder): Order =>
  Order.restore({
    id: row.orderId,
    customerId: row.customerId ?? '',
    items: [],
    totalAmount: 0,
    pointsUsed: row.pointsUsed ?? 0,
    payment: row.payment,
    store: row.store,
    delivery: row.delivery,
    points: row.points,
    cancelRequested: row.cancelRequested,
  } satisfies OrderState);

/** Applies one event to its order's row (undefined when myPage has none yet); an event seen before changes nothing. */
export function project(current: MyPageOrder | undefined, event: EventEnvelope<unknown>): MyPageOrder {
  const row = current ?? emptyRow(orderIdOf(event));
  const fact = FACTS[event.eventType];
  if (!fact || row.history.some((h) => h.eventId === event.eventId)) return row;

  const order = asOrder(row);
  fact(order);
  const { payment, store, delivery, points } = order.snapshot;
  const next: MyPageOrder = { ...row, payment, store, delivery, points };
  if (event.eventType === OrderCanceled.type) next.cancelRequested = true;
  if (event.eventType === OrderPlaced.type) {
    const placed = event.payload as OrderPlacedPayload;
    Object.assign(next, {
      customerId: placed.customerId,
      items: placed.items.map((l) => ({ ...l })),
      totalAmount: placed.totalAmount,
      pointsUsed: placed.pointsUsed ?? 0, // absent on orders placed before points existed
    });
  }
  if (event.eventType === PointsEarned.type) next.pointsEarned = (event.payload as PointsEarnedPayload).points;
  const customerId = (event.payload as { customerId?: string }).customerId;
  if (!next.customerId && customerId) next.customerId = customerId;
  next.status = asOrder(next).status;

  const occurredAt = new Date(event.occurredAt).toISOString();
  next.history = [...row.history, { eventId: event.eventId, eventType: event.eventType, occurredAt }].sort(byTimeThenId);
  if (occurredAt > next.updatedAt) next.updatedAt = occurredAt;
  return next;
}
