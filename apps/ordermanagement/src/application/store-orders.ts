import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { Outbox } from '@homestore/messaging';
import { acceptOrder, cancelOrder, Decision, PaidOrder, receivePaidOrder, StoreOrderStatus } from '../domain/store-order';
import { StoreOrderNotFound } from '../domain/store.errors';
import { ProductEntity } from '../infrastructure/product.entity';
import { StoreOrderEntity } from '../infrastructure/store-order.entity';
import { OrderManagementConfig } from '../ordermanagement.config';
import { lockProducts, moveLockedStock } from './products';

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
 * Store orders. Each step first takes the order's lock, so a PaymentApproved and an OrderCanceled of one order
 * (different topics, possibly handled at once) are decided one after the other; product rows are then locked in
 * id order before stock is checked and moved, so stock never goes negative and is never oversold.
 */
@Injectable()
export class StoreOrders {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly config: OrderManagementConfig,
  ) {}

  async receivePaidOrder(em: EntityManager, paid: PaidOrder): Promise<void> {
    const existing = await this.lockOrder(em, paid.orderId);
    if (existing) return; // already decided, or canceled before it was paid: never reserve
    const locked = await lockProducts(em, paid.items.map((l) => l.productId));
    const shelf = new Map([...locked].map(([id, p]) => [id, p.stock]));
    await this.apply(em, receivePaidOrder(existing, paid, shelf, { id: randomUUID(), autoAccept: this.config.STORE_AUTO_ACCEPT }), locked);
  }

  async cancel(em: EntityManager, canceled: { orderId: string; customerId: string }): Promise<void> {
    await this.apply(em, cancelOrder(await this.lockOrder(em, canceled.orderId), canceled, randomUUID()));
  }

  accept(orderId: string): Promise<StoreOrderView> {
    if (!isUUID(orderId)) return Promise.reject(new StoreOrderNotFound(orderId));
    return this.dataSource.transaction(async (em) => {
      const order = await this.lockOrder(em, orderId);
      if (!order) throw new StoreOrderNotFound(orderId);
      return view(await this.apply(em, acceptOrder(order)));
    });
  }

  async list(status?: StoreOrderStatus): Promise<StoreOrderView[]> {
    const orders = await this.dataSource.manager.find(StoreOrderEntity, { where: status ? { status } : {}, order: { createdAt: 'DESC' }, take: 500 });
    return orders.map(view);
  }

  private async lockOrder(em: EntityManager, orderId: string): Promise<StoreOrderEntity | null> {
    await em.query(`SELECT pg_advisory_xact_lock(${ORDER_LOCK_SPACE}, hashtext($1))`, [orderId]);
    return em.findOneBy(StoreOrderEntity, { orderId });
  }

  /**
   * Saves the decided order (one statement: em.save would read it first), moves its stock and stages every event,
   * all in the caller's transaction. `locked`: the products, when the caller locked them already.
   */
  private async apply(em: EntityManager, decision: Decision, locked?: Map<string, ProductEntity>): Promise<StoreOrderEntity> {
    let order: StoreOrderEntity | undefined;
    if (decision.order) {
      const { generatedMaps } = await em.upsert(StoreOrderEntity, decision.order, ['id']);
      order = Object.assign(em.create(StoreOrderEntity, decision.order), generatedMaps[0]);
    }
    const products = locked ?? (await lockProducts(em, decision.stockMoves.map((m) => m.productId)));
    const productEvents = await moveLockedStock(em, products, decision.stockMoves);
    await this.outbox.addAll(em, [...productEvents, ...decision.events]);
    return order!;
  }
}
