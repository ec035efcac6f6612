import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { Outbox } from '@homestore/messaging';
import { inUnitOfWork, UnitOfWork } from '@homestore/persistence';
import type { Page, PagePosition } from '@homestore/platform';
import { moveStock, type ProductState } from '../domain/product';
import { acceptOrder, cancelOrder, Decision, PaidOrder, receivePaidOrder, StoreOrderState, StoreOrderStatus } from '../domain/store-order';
import { StoreOrderNotFound } from '../domain/store.errors';
import { ProductRepository } from '../infrastructure/product.repository';
import { StoreOrderEntity } from '../infrastructure/store-order.entity';
import { StoreOrderRepository } from '../infrastructure/store-order.repository';
import { OrderManagementConfig } from '../ordermanagement.config';

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

/** The stock on the shelf of each of these products. */
const shelfOf = (products: Map<string, ProductState>) => new Map([...products].map(([id, p]) => [id, p.stock]));

/**
 * Store orders: what the saga tells the store (an order was paid, the customer canceled) and what a clerk does
 * (accept). Each is decided by the domain (domain/store-order.ts) on the store order and the products as they are,
 * locked: stock never goes negative, and the events of one order are decided one after the other whatever their
 * order of arrival.
 */
@Injectable()
export class StoreOrders {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: StoreOrderRepository,
    private readonly products: ProductRepository,
    private readonly outbox: Outbox,
    private readonly config: OrderManagementConfig,
  ) {}

  /** PaymentApproved: the store receives the paid order and reserves the stock of every line, or of none. */
  receive(work: UnitOfWork, paid: PaidOrder): Promise<void> {
    return this.decide(work, paid.orderId, () => paid.items.map((l) => l.productId), (order, products) =>
      receivePaidOrder(order, paid, shelfOf(products), { id: randomUUID(), autoAccept: this.config.STORE_AUTO_ACCEPT }),
    );
  }

  /** OrderCanceled: a received order's stock goes back on the shelf; an order never seen is remembered as canceled. */
  cancel(work: UnitOfWork, canceled: { orderId: string; customerId: string }): Promise<void> {
    return this.decide(work, canceled.orderId, (known) => known?.items.map((l) => l.productId) ?? [], (order) => cancelOrder(order, canceled, randomUUID()));
  }

  /** A clerk accepts a received order (OrderAccepted); answers it as stored. */
  async accept(orderId: string): Promise<StoreOrderView> {
    if (!isUUID(orderId)) throw new StoreOrderNotFound(orderId);
    await inUnitOfWork(this.dataSource, async (work) => {
      const order = await this.orders.load(work, orderId);
      if (!order) throw new StoreOrderNotFound(orderId);
      this.carryOut(work, acceptOrder(order), new Map());
    });
    return view(await this.dataSource.manager.findOneByOrFail(StoreOrderEntity, { orderId }));
  }

  /** A page of the store's orders (of one status when given), newest first. */
  async page(query: { status?: StoreOrderStatus; limit: number; after?: PagePosition }): Promise<Page<StoreOrderView>> {
    const page = await this.orders.page(this.dataSource.manager, query);
    return { rows: page.rows.map(view), next: page.next };
  }

  /**
   * Loads the store order of `orderId`, then the products the decision may move (`productIdsOf` the order as known),
   * then makes the decision and carries it out. Every handler of a run asks for its store order first and its
   * products second, so the run reads and locks all its store orders at once, then all its products at once, in id
   * order: runs sharing products wait for each other instead of deadlocking. The store order is asked for again
   * last (the unit of work answers it from memory) so that the decision is made on the aggregates as they are after
   * the last await, never as they were before one.
   */
  private async decide(
    work: UnitOfWork,
    orderId: string,
    productIdsOf: (known: StoreOrderState | undefined) => string[],
    decision: (order: StoreOrderState | null, products: Map<string, ProductState>) => Decision,
  ): Promise<void> {
    const known = await this.orders.load(work, orderId);
    const products = await this.products.loadAll(work, productIdsOf(known));
    const order = (await this.orders.load(work, orderId)) ?? null;
    this.carryOut(work, decision(order, products), products);
  }

  /** Saves the store order the decision changed, moves the stock it moves and raises its events. */
  private carryOut(work: UnitOfWork, { order, stockMoves, events }: Decision, products: Map<string, ProductState>): void {
    if (order) this.orders.save(work, order);
    for (const { productId, quantity } of stockMoves) {
      const product = products.get(productId);
      if (!product) continue; // only when releasing for a product no longer in the catalog
      // In place: the other handlers of the unit of work hold this same product, and decide on its stock as it is now.
      Object.assign(product, moveStock(product, quantity));
      this.products.save(work, product);
    }
    this.outbox.add(work, events);
  }
}
