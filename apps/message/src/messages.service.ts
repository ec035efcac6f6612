import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '@homestore/events';
import { lockKeys } from '@homestore/platform';
import { ContactEntity, NotificationEntity } from './message.entities';
import type { Notice, NotificationType } from './notices';
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

  /** Replaces the customer's contact with this snapshot and sends what was waiting for it. */
  async keepContact(em: EntityManager, userId: string, contact: Contact): Promise<void> {
    await this.lockCustomers(em, [userId]);
    await em.upsert(ContactEntity, { userId, ...contact }, ['userId']);
    await this.sendPending(em, userId, contact);
  }

  /** Stores the notice of this event once (by eventId), and sends it if the contact is known. */
  async notify(em: EntityManager, event: EventEnvelope, notice: Notice | null): Promise<void> {
    if (!notice) return;
    await this.lockCustomers(em, [notice.customerId]);
    const inserted: unknown[] = await em.query(
      `INSERT INTO notifications (id, event_id, customer_id, type, order_id, text, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (event_id) DO NOTHING RETURNING id`,
      [randomUUID(), event.eventId, notice.customerId, notice.type, notice.orderId, notice.text, event.occurredAt],
    );
    if (!inserted.length) return; // this event's notice was stored (and sent) before
    const contact = await em.findOneBy(ContactEntity, { userId: notice.customerId });
    if (contact) await this.sendPending(em, notice.customerId, contact);
  }

  /** The customer's own messages, newest first. */
  async of(customerId: string): Promise<MessageView[]> {
    const rows = await this.dataSource.manager.find(NotificationEntity, { where: { customerId }, order: { createdAt: 'DESC', id: 'DESC' } });
    return rows.map(({ id, type, orderId, text, createdAt }) => ({ id, type, orderId, text, createdAt: createdAt.toISOString() }));
  }

  private async sendPending(em: EntityManager, customerId: string, contact: Contact): Promise<void> {
    const [pending]: [{ id: string; type: string; text: string; created_at: Date }[]] = await em.query(
      `UPDATE notifications SET sent_at = now() WHERE customer_id = $1 AND sent_at IS NULL RETURNING id, type, text, created_at`,
      [customerId],
    );
    pending.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
    const { email, name, phone } = contact;
    for (const { id, type, text } of pending) await this.notifier.send({ email, name, phone }, { id, type, text });
  }

  /** Takes the locks of these customers (a lock is held to the end of the transaction; taking it again is free). */
  async lockCustomers(em: EntityManager, customerIds: string[]): Promise<void> {
    await lockKeys(em, CUSTOMER_LOCK_SPACE, customerIds);
  }
}
