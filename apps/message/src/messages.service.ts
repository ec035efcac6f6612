import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { lockKeys } from '@homestore/platform';
import { ContactEntity, NotificationEntity } from './message.entities';
import { customerOf, MessageNews, planMessages } from './message-news';
import type { NotificationType } from './notices';
import { Contact, Notifier } from './notifier';

/** Advisory-lock namespace for one customer's contact and notifications (first int of the two-int form). */
const CUSTOMER_LOCK_SPACE = 0x3e5;

export interface MessageView {
  id: string;
  type: NotificationType;
  orderId: string | null;
  text: string;
  createdAt: string;
}

/**
 * Notifications and the contact replica. A notice is stored whether or not the customer's contact is known yet;
 * it is sent as soon as both are there, whichever came first. Contact and notice changes of one customer take
 * the customer's lock, so one of two concurrent transactions always sees the other's work.
 */
@Injectable()
export class MessagesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly notifier: Notifier,
  ) {}

  /**
   * Handles a run of news in a handful of statements however long it is: the customers' locks, their stored
   * contacts, the contacts the run changes, the notices stored unsent until now that a first contact releases, and
   * the run's notices (each once: an event's notice is stored by its eventId). Each notice is sent as it would be
   * one event at a time (see planMessages).
   */
  async handleAll(em: EntityManager, news: MessageNews[]): Promise<void> {
    const customers = await lockKeys(em, CUSTOMER_LOCK_SPACE, news.map(customerOf));
    if (!customers.length) return;
    const stored = await em.findBy(ContactEntity, { userId: In(customers) });
    const plan = planMessages(news, new Map(stored.map(({ userId, email, name, phone }) => [userId, { email, name, phone }])));
    if (plan.contacts.size) await em.upsert(ContactEntity, [...plan.contacts].map(([userId, contact]) => ({ userId, ...contact })), ['userId']);
    if (plan.firstContacts.size) await this.sendWaiting(em, plan.firstContacts);
    if (!plan.notices.length) return;
    const rows = plan.notices.map(({ notice, eventId, occurredAt, to }) => ({
      id: randomUUID(),
      event_id: eventId,
      customer_id: notice.customerId,
      type: notice.type,
      order_id: notice.orderId,
      text: notice.text,
      created_at: occurredAt,
      sent: !!to,
    }));
    const inserted: { event_id: string }[] = await em.query(
      `INSERT INTO notifications (id, event_id, customer_id, type, order_id, text, created_at, sent_at)
       SELECT id, event_id, customer_id, type, order_id, text, created_at, CASE WHEN sent THEN now() END
       FROM jsonb_to_recordset($1::jsonb) AS n(id uuid, event_id uuid, customer_id uuid, type text, order_id uuid, text text, created_at timestamptz, sent boolean)
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [JSON.stringify(rows)],
    );
    // An event's notice that was stored (and sent) before is not sent again.
    const fresh = new Set(inserted.map((r) => r.event_id.toLowerCase()));
    for (const [i, { to }] of plan.notices.entries()) {
      const row = rows[i];
      if (to && fresh.delete(row.event_id.toLowerCase())) await this.notifier.send(to, { id: row.id, type: row.type, text: row.text });
    }
  }

  /** The customer's own messages, newest first. */
  async of(customerId: string): Promise<MessageView[]> {
    const rows = await this.dataSource.manager.find(NotificationEntity, { where: { customerId }, order: { createdAt: 'DESC', id: 'DESC' } });
    return rows.map(({ id, type, orderId, text, createdAt }) => ({ id, type, orderId, text, createdAt: createdAt.toISOString() }));
  }

  /** Sends the notices stored unsent for these customers to the first contact each now has, oldest first. */
  private async sendWaiting(em: EntityManager, firstContacts: Map<string, Contact>): Promise<void> {
    const [waiting]: [{ customer_id: string; id: string; type: string; text: string; created_at: Date }[]] = await em.query(
      `UPDATE notifications SET sent_at = now() WHERE customer_id = ANY($1::uuid[]) AND sent_at IS NULL RETURNING customer_id, id, type, text, created_at`,
      [[...firstContacts.keys()]],
    );
    waiting.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
    for (const { customer_id, id, type, text } of waiting) await this.notifier.send(firstContacts.get(customer_id)!, { id, type, text });
  }
}
