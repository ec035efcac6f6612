import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '@homestore/events';
import { Outbox, PendingEvent } from '@homestore/messaging';
import { findLocked } from '@homestore/platform';
import { moveStock } from '../domain/product';
import { acceptOrder, cancelOrder, PaidOrder, receivePaidOrder, StoreOrderState, StoreOrderStatus } from '../domain/store-order';
import { StoreOrderNotFound } from '../domain/store.errors';
import { StoreOrderEntity } from '../infrastructure/store-order.entity';
import { OrderManagementConfig } from '../ordermanagement.config';
import { lockProducts, saveStock } from './products';

/** Advisory-lock namespace for one order's store work (the outbox uses its own). */
const ORDER_LOCK_SPACE = 0x5701;

export interface StoreOrderView {
  id: string;
  orderId: string;
  customerId: string;
  status: StoreOrderStatus;
  items: { productId: string; quantity: number }[];
  deliveryAddress: string | null;
  deliveryPhone: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const view = ({ id, orderId, customerId, status, items, deliveryAddress, deliveryPhone, createdAt, updatedAt }: StoreOrderEntity): StoreOrderView => ({
  id,
  orderId,
  customerId,
  status,
  items,
  deliveryAddress,
  deliveryPhone,
  createdAt,
  updatedAt,
});

/**
 * What the saga tells the store: an order was paid (PaymentApproved), or the customer canceled it (OrderCanceled);
 * `cause` is that event, for the correlation of what the store raises because of it.
 */
export type StoreOrderNews = ({ paid: PaidOrder } | { canceled: { orderId: string; customerId: string } }) & { cause?: EventEnvelope };

/**
 * Store orders. Every step first takes the locks of its orders, so a PaymentApproved and an OrderCanceled of one
 * order (different topics, possibly handled at once) are decided one after the other; product rows are then locked
 * in id order before stock is checked and moved, so stock never goes negative and is never oversold.
 */
@Injectable()
export class StoreOrders {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly config: OrderManagementConfig,
  ) {}

  /**
   * A run of the saga's news, in the caller's transaction, in a few statements however long the run: the orders'
   * locks, their store orders, the products' row locks; then each piece of news is decided in the run's order
   * against what the ones before it left (orders and shelf); then the orders, the stock and every event are written
   * at once, each moved product announced once with its final stock.
   */
  async handleAll(em: EntityManager, news: StoreOrderNews[]): Promise<void> {
    const orderIdOf = (n: StoreOrderNews) => ('paid' in n ? n.paid.orderId : n.canceled.orderId);
    const known = await findLocked(em, ORDER_LOCK_SPACE, StoreOrderEntity, 'orderId', news.map(orderIdOf));
    const orders = new Map<string, StoreOrderState>(known.map((o) => [o.orderId, o]));
    // Every product the run can move: what the paid orders take and what known orders may put back.
    const products = await lockProducts(em, [...news.flatMap((n) => ('paid' in n ? n.paid.items : [])), ...[...orders.values()].flatMap((o) => o.items)].map((l) => l.productId));
    const shelf = new Map([...products].map(([id, p]) => [id, p.stock]));
    const changed = new Map<string, StoreOrderState>();
    /** Each moved product, with the news that moved it last (the cause of its one ProductChanged). */
    const moved = new Map<string, EventEnvelope | undefined>();
    const events: PendingEvent[] = [];
    for (const n of news) {
      const existing = orders.get(orderIdOf(n)) ?? null;
      const decision =
        'paid' in n
          ? receivePaidOrder(existing, n.paid, shelf, { id: randomUUID(), autoAccept: this.config.STORE_AUTO_ACCEPT })
          : cancelOrder(existing, n.canceled, randomUUID());
      if (decision.order) {
        orders.set(decision.order.orderId, decision.order);
        changed.set(decision.order.orderId, decision.order);
      }
      for (const { productId, quantity } of decision.stockMoves) {
        const product = products.get(productId);
        if (!product) continue; // only when releasing for a product no longer in the catalog
        Object.assign(product, moveStock(product, quantity));
        shelf.set(productId, product.stock);
        moved.set(productId, n.cause);
      }
      events.push(...decision.events.map((e) => ({ ...e, cause: n.cause }) as PendingEvent));
    }
    if (changed.size) await em.upsert(StoreOrderEntity, [...changed.values()], ['id']);
    const productEvents = await saveStock(em, [...moved.keys()].map((id) => products.get(id)!));
    const causes = [...moved.values()];
    await this.outbox.addAll(em, [...productEvents.map((e, i) => ({ ...e, cause: causes[i] }) as PendingEvent), ...events]);
  }

  accept(orderId: string): Promise<StoreOrderView> {
    if (!isUUID(orderId)) return Promise.reject(new StoreOrderNotFound(orderId));
    return this.dataSource.transaction(async (em) => {
      const [order] = await findLocked(em, ORDER_LOCK_SPACE, StoreOrderEntity, 'orderId', [orderId]);
      if (!order) throw new StoreOrderNotFound(orderId);
      const { order: accepted, events } = acceptOrder(order);
      const { generatedMaps } = await em.upsert(StoreOrderEntity, accepted!, ['id']);
      await this.outbox.addAll(em, events);
      return view(Object.assign(em.create(StoreOrderEntity, accepted!), generatedMaps[0]));
    });
  }

  async list(status?: StoreOrderStatus): Promise<StoreOrderView[]> {
    const orders = await this.dataSource.manager.find(StoreOrderEntity, { where: status ? { status } : {}, order: { createdAt: 'DESC' }, take: 500 });
    return orders.map(view);
  }
}
