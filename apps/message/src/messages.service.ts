import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EventEnvelope, EventOf, UserProfileUpdated, UserRegistered } from '@homestore/events';
import type { UnitOfWork } from '@homestore/persistence';
import { Keyset, Page, PagePosition } from '@homestore/platform';
import { Contact, Customer, Notification } from './customer';
import { CustomerRepository } from './customer.repository';
import { Notice, Notices, NotificationType } from './notices';
import { Notifier } from './notifier';

export interface MessageView {
  id: string;
  type: NotificationType;
  orderId: string | null;
  text: string;
  createdAt: string;
}

/** A customer's messages, newest first by the time of their event (index notifications_customer_page_idx). */
const PAGES = new Keyset('created_at', 'id');

interface MessageRow {
  id: string;
  type: NotificationType;
  order_id: string | null;
  text: string;
  created_at: Date;
  page_at: string;
  page_id: string;
}

const toView = (r: MessageRow): MessageView => ({ id: r.id, type: r.type, orderId: r.order_id, text: r.text, createdAt: r.created_at.toISOString() });

const contactOf = ({ email, name, phone }: Contact): Contact => ({ email, name, phone });

/**
 * What each event means to a customer, one event at a time: load the customer (locked until the commit, so one
 * customer's contact and notices apply one at a time), let the customer decide, save it. The notifications it leaves
 * ready go to the notifier only once the transaction committed, and only those the flush really stored: never for a
 * transaction that rolled back, never twice for one event (at most once: a send that fails after the commit is
 * logged, not retried).
 */
@Injectable()
export class MessagesService {
  private readonly logger = new Logger(MessagesService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly customers: CustomerRepository,
    private readonly notifier: Notifier,
  ) {}

  /** A user registered: their contact is kept, and a customer (not the store clerk) is welcomed. */
  async userRegistered(work: UnitOfWork, event: EventOf<typeof UserRegistered>): Promise<void> {
    const welcome = Notices.userRegistered(event.payload);
    const customer = await this.customers.load(work, event.payload.userId);
    const ready = customer.contactChanged(contactOf(event.payload));
    if (welcome) ready.push(...customer.notify(welcome, event));
    this.save(work, customer, ready);
  }

  /** A user changed their profile: later notices go to the details as they now are. */
  async userProfileUpdated(work: UnitOfWork, event: EventOf<typeof UserProfileUpdated>): Promise<void> {
    const customer = await this.customers.load(work, event.payload.userId);
    this.save(work, customer, customer.contactChanged(contactOf(event.payload)));
  }

  /** An event that tells its customer `notice` (null: it tells them nothing). */
  async notify(work: UnitOfWork, event: EventEnvelope<unknown>, notice: Notice | null): Promise<void> {
    if (!notice) return;
    const customer = await this.customers.load(work, notice.customerId);
    this.save(work, customer, customer.notify(notice, event));
  }

  /** A page of the customer's own messages, newest first, after `after` (the last message of the page before). */
  async page(customerId: string, { limit, after }: { limit: number; after?: PagePosition }): Promise<Page<MessageView>> {
    const params: unknown[] = [customerId, limit + 1];
    const where = ['customer_id = $1'];
    if (after) where.push(PAGES.after(after, params));
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT id, type, order_id, text, created_at, ${PAGES.select} FROM notifications WHERE ${where.join(' AND ')} ORDER BY ${PAGES.orderBy} LIMIT $2`,
      params,
    );
    const page = PAGES.page(rows, limit);
    return { rows: page.rows.map(toView), next: page.next };
  }

  /** Saves the customer, and sends what it left ready once the transaction committed. */
  private save(work: UnitOfWork, customer: Customer, ready: Notification[]): void {
    this.customers.save(work, customer);
    if (!ready.length) return;
    work.afterCommit(() => {
      for (const notification of ready) if (this.customers.wasStored(notification)) this.send(notification);
    });
  }

  /** Hands the notification to the notifier; after the commit a failure can only be told, not undone nor thrown. */
  private send({ id, type, text, to }: Notification): void {
    const sending = async () => this.notifier.send(to!, { id, type, text });
    sending().catch((error: unknown) => this.logger.error(`${type} ${id} was not sent: ${error instanceof Error ? error.message : String(error)}`));
  }
}
