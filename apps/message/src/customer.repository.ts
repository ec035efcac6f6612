import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AggregateStore, lockKeys, UnitOfWork } from '@homestore/persistence';
import { Customer, Notification } from './customer';
import type { NotificationType } from './notices';

/** Advisory-lock namespace for one customer's contact and notifications (first int of the two-int form). */
const CUSTOMER_LOCK_SPACE = 0x3e5;

interface CustomerRow {
  customer_id: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  waiting: { id: string; eventId: string; type: NotificationType; orderId: string | null; text: string; occurredAt: string }[] | null;
}

/**
 * Customers in PostgreSQL: the contact replica (`contacts`) and their notifications (`notifications`, one per event:
 * `event_id` is unique), each customer guarded by an advisory lock of its own, since a customer may have no row yet.
 */
@Injectable()
export class CustomerRepository implements AggregateStore<Customer> {
  /** The notifications a flush stored: new rows, and waiting rows it marked sent. */
  private readonly stored = new WeakSet<Notification>();

  /** The customer, locked until the unit of work's transaction ends, so their contact and notices apply one at a time. */
  load(work: UnitOfWork, customerId: string): Promise<Customer> {
    // loadMany answers every key: a customer never met before is one with no contact yet.
    return work.load(this, customerId) as Promise<Customer>;
  }

  /** Writes what the unit of work changed of the customer when it commits. */
  save(work: UnitOfWork, customer: Customer): void {
    work.save(this, customer.id, customer);
  }

  /**
   * Whether the flush stored this notification: a row of its own, or its waiting row marked sent. False for the
   * notice of an event stored before (a redelivery that passed the inbox), which must not be sent again.
   */
  wasStored(notification: Notification): boolean {
    return this.stored.has(notification);
  }

  /**
   * These customers' locks (sorted, so two transactions never deadlock), then, in a statement of its own (so it sees
   * what the holder of a lock committed), their contacts and the notifications waiting for a contact.
   */
  async loadMany(em: EntityManager, customerIds: string[]): Promise<Map<string, Customer>> {
    const locked = await lockKeys(em, CUSTOMER_LOCK_SPACE, customerIds);
    const rows: CustomerRow[] = await em.query(
      `SELECT k.key AS customer_id, c.email, c.name, c.phone,
         (SELECT json_agg(json_build_object('id', n.id, 'eventId', n.event_id, 'type', n.type, 'orderId', n.order_id, 'text', n.text,
                                            'occurredAt', n.created_at) ORDER BY n.created_at, n.id)
            FROM notifications n WHERE n.customer_id = k.key::uuid AND n.sent_at IS NULL) AS waiting
       FROM unnest($1::text[]) AS k(key) LEFT JOIN contacts c ON c.user_id = k.key::uuid`,
      [locked],
    );
    return new Map(
      rows.map(({ customer_id: id, email, name, phone, waiting }) => [
        id,
        Customer.restore(
          id,
          email === null ? undefined : { email, name: name!, phone: phone! },
          (waiting ?? []).map((n) => ({ ...n, customerId: id, occurredAt: new Date(n.occurredAt).toISOString() })),
        ),
      ]),
    );
  }

  /** Writes the changed contacts (one statement), then the new notifications and the released ones (one statement). */
  async saveMany(em: EntityManager, customers: Customer[]): Promise<void> {
    const changes = customers.map((c) => ({ id: c.id, ...c.changes }));
    const contacts = changes.flatMap(({ id, contact }) => (contact ? [{ user_id: id, ...contact }] : []));
    if (contacts.length) {
      await em.query(
        `INSERT INTO contacts (user_id, email, name, phone)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS c(user_id uuid, email text, name text, phone text)
         ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name, phone = EXCLUDED.phone`,
        [JSON.stringify(contacts)],
      );
    }
    const made = changes.flatMap((c) => c.made);
    const released = changes.flatMap((c) => c.released);
    if (!made.length && !released.length) return;
    const rows = made.map((n) => ({
      id: n.id,
      event_id: n.eventId,
      customer_id: n.customerId,
      type: n.type,
      order_id: n.orderId,
      text: n.text,
      created_at: n.occurredAt,
      sent: !!n.to,
    }));
    const written: { id: string }[] = await em.query(
      `WITH inserted AS (
         INSERT INTO notifications (id, event_id, customer_id, type, order_id, text, created_at, sent_at)
         SELECT id, event_id, customer_id, type, order_id, text, created_at, CASE WHEN sent THEN now() END
         FROM jsonb_to_recordset($1::jsonb) AS n(id uuid, event_id uuid, customer_id uuid, type text, order_id uuid, text text, created_at timestamptz, sent boolean)
         ON CONFLICT (event_id) DO NOTHING
         RETURNING id
       ), marked AS (
         UPDATE notifications SET sent_at = now() WHERE id = ANY($2::uuid[]) AND sent_at IS NULL RETURNING id
       )
       SELECT id FROM inserted UNION ALL SELECT id FROM marked`,
      [JSON.stringify(rows), released.map((n) => n.id)],
    );
    const byId = new Map([...made, ...released].map((n) => [n.id, n]));
    for (const { id } of written) this.stored.add(byId.get(id)!);
  }
}
