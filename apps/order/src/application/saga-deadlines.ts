import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { OrderCanceled } from '@homestore/events';
import { newContext, Outbox, runInContext } from '@homestore/messaging';
import { inUnitOfWork } from '@homestore/persistence';
import { OPEN_STATUSES, onOverdue, parseSagaDeadlines, SagaDeadlines } from '../domain/saga-deadlines';
import { OrderRepository } from '../infrastructure/order.repository';
import { OverdueOrders } from '../infrastructure/overdue-orders';
import { OrderConfig } from '../order.config';

/** What one look at the deadlines found and did. */
export interface DeadlineCheck {
  /** Orders canceled because their payment never answered. */
  canceled: string[];
  /** Orders overdue per open status after the cancels, for the operators. */
  overdue: Record<string, number>;
  /** Orders in each open status after the cancels, overdue or not. */
  open: Record<string, number>;
}

/**
 * Every SAGA_DEADLINE_CHECK_MS, finds the orders that stayed in an open status past its deadline (domain/saga-deadlines):
 * an unpaid one is canceled as a customer's cancel would be (OrderCanceled: payment voids or refunds, the store
 * releases or remembers, myPage follows) with statusReason PAYMENT_TIMEOUT; the others are counted in
 * homestore_saga_overdue_orders{status} and listed by `npm run saga:overdue`. Each look also counts the orders in
 * every open status (homestore_saga_open_orders{status}: where the sagas in flight stand, for the dashboard). Safe with
 * many instances: a cancel locks its order and happens once.
 */
@Injectable()
export class SagaDeadlineWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SagaDeadlineWatch.name);
  private readonly deadlines: SagaDeadlines;
  private readonly overdueGauge: Gauge;
  private readonly openGauge: Gauge;
  private timer?: NodeJS.Timeout;
  private checking?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrderRepository,
    private readonly overdueOrders: OverdueOrders,
    private readonly outbox: Outbox,
    private readonly config: OrderConfig,
    registry: Registry,
  ) {
    this.deadlines = parseSagaDeadlines(config.SAGA_DEADLINES);
    this.overdueGauge = new Gauge({
      name: 'homestore_saga_overdue_orders',
      help: 'Orders that stayed in an open status past its deadline (SAGA_DEADLINES), by status: PENDING ones are canceled, the others need an operator',
      labelNames: ['status'],
      registers: [registry],
    });
    this.openGauge = new Gauge({
      name: 'homestore_saga_open_orders',
      help: 'Orders in each open status (PENDING to SHIPPING, CANCELING), overdue or not, as of the last deadline check; finished orders are seen as their events',
      labelNames: ['status'],
      registers: [registry],
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.checking ??= this.check()
        .catch((e: Error) => this.logger.warn(`saga deadline check failed: ${e.message}`))
        .finally(() => (this.checking = undefined));
    }, this.config.SAGA_DEADLINE_CHECK_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
  }

  /** One look: cancels the overdue unpaid orders, then counts what is left overdue, and what is open. */
  async check(): Promise<DeadlineCheck> {
    const canceled: string[] = [];
    for (const order of await this.overdueOrders.list(this.dataSource.manager, this.deadlines, 500)) {
      if (onOverdue(order.status) === 'cancel' && (await this.cancelUnpaid(order.id))) canceled.push(order.id);
    }
    const overdue = await this.overdueOrders.countByStatus(this.dataSource.manager, this.deadlines);
    const open = await this.overdueOrders.countOpenByStatus(this.dataSource.manager);
    for (const status of OPEN_STATUSES) {
      this.overdueGauge.set({ status }, overdue[status]);
      this.openGauge.set({ status }, open[status]);
    }
    return { canceled, overdue, open };
  }

  /** Cancels the order if it is still PENDING (true), in a flow of its own: no request or event caused it. */
  private cancelUnpaid(orderId: string): Promise<boolean> {
    return runInContext({ ...newContext(`saga-deadline:${orderId}`), orderId }, () =>
      inUnitOfWork(this.dataSource, async (work) => {
        const order = await this.orders.load(work, orderId);
        if (!order?.cancelUnpaid()) return false;
        this.orders.save(work, order);
        this.outbox.add(work, [{ definition: OrderCanceled, payload: { orderId, customerId: order.snapshot.customerId } }]);
        this.logger.warn(`order ${orderId} canceled: PENDING for over ${this.deadlines.PENDING / 1000} s, its payment never answered`);
        return true;
      }),
    );
  }
}
