import { randomUUID } from 'node:crypto';
import type { Notice, NotificationType } from './notices';

/** Where a customer is told things: the replica of their user's contact details. */
export interface Contact {
  email: string;
  name: string;
  phone: string;
}

/** One event's notice to one customer: stored once per event, sent once it has a contact to go to. */
export interface Notification {
  readonly id: string;
  readonly eventId: string;
  readonly customerId: string;
  readonly type: NotificationType;
  readonly orderId: string | null;
  readonly text: string;
  /** When the event happened: the list's order, and the order waiting notifications are sent in. */
  readonly occurredAt: string;
  /** The contact it is sent to; none while it waits for the customer's first contact. */
  to?: Contact;
}

/** The event a notice comes from. */
export interface NoticeSource {
  eventId: string;
  occurredAt: string;
}

/** What one unit of work changed of a customer, for the store to write. */
export interface CustomerChanges {
  /** The contact as it now is, when it changed. */
  contact?: Contact;
  /** Notifications made now, to store (those with `to` as sent). */
  made: readonly Notification[];
  /** Notifications stored before, waiting, now sent to the first contact. */
  released: readonly Notification[];
}

const byOccurrence = (a: Notification, b: Notification) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt);

/**
 * A customer as the message service knows them: their contact (none until a user event brings it) and the
 * notifications still waiting for it. A notice goes to the contact the customer has when it is handled; one that
 * comes before any contact waits, and the first contact releases every waiting one, oldest first. Each method
 * answers the notifications it leaves ready to send.
 */
export class Customer {
  private readonly made: Notification[] = [];
  private readonly released: Notification[] = [];
  private contactUnsaved = false;
  /** The events whose notice this customer holds: stored and waiting, or made in this unit of work. */
  private readonly told: Set<string>;

  private constructor(
    readonly id: string,
    private contact: Contact | undefined,
    private readonly waiting: Notification[],
  ) {
    this.told = new Set(waiting.map((n) => n.eventId));
  }

  /** The customer as stored: the contact if one came, and the notifications stored unsent (waiting for it). */
  static restore(id: string, contact: Contact | undefined, waiting: Notification[]): Customer {
    return new Customer(id, contact, [...waiting]);
  }

  /** What this unit of work changed, for the store to write at the flush. */
  get changes(): CustomerChanges {
    return { contact: this.contactUnsaved ? this.contact : undefined, made: this.made, released: this.released };
  }

  /** The user's contact details as a user event gives them: later notices go to them; the first releases what waited. */
  contactChanged(contact: Contact): Notification[] {
    const first = !this.contact;
    this.contact = contact;
    this.contactUnsaved = true;
    if (!first) return [];
    const released = this.waiting.splice(0).sort(byOccurrence);
    for (const notification of released) {
      notification.to = contact;
      if (!this.made.includes(notification)) this.released.push(notification);
    }
    return released;
  }

  /** The notice an event gives this customer: sent to the contact of the moment, or waiting for the first. Once per event. */
  notify(notice: Notice, { eventId, occurredAt }: NoticeSource): Notification[] {
    if (this.told.has(eventId)) return [];
    this.told.add(eventId);
    const notification: Notification = { id: randomUUID(), eventId, ...notice, customerId: this.id, occurredAt, to: this.contact };
    this.made.push(notification);
    if (notification.to) return [notification];
    this.waiting.push(notification);
    return [];
  }
}
