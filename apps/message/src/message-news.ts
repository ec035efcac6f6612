import type { Notice } from './notices';
import type { Contact } from './notifier';

/** What one event tells the message service: a customer's contact as it now is, or a notice for a customer. */
export type MessageNews = { userId: string; contact: Contact } | { notice: Notice; eventId: string; occurredAt: string };

/** A notice to store, and the contact it goes to at once (none while the customer's contact is unknown). */
export interface PlannedNotice {
  notice: Notice;
  eventId: string;
  occurredAt: string;
  to?: Contact;
}

/** What a run of news comes to, decided in memory as one at a time would. */
export interface MessagePlan {
  /** Each customer's contact as the run leaves it. */
  contacts: Map<string, Contact>;
  /** Customers whose first contact this run brings, with it: what was stored for them unsent goes to it. */
  firstContacts: Map<string, Contact>;
  notices: PlannedNotice[];
}

/** The customer a piece of news is about. */
export const customerOf = (news: MessageNews): string => ('notice' in news ? news.notice.customerId : news.userId);

/**
 * Decides a run of news in its order, knowing the contacts stored before it. A notice goes to the customer's
 * contact as it is when the notice arrives; one that arrives before any contact waits for the first, and so do
 * the notices stored unsent before the run.
 */
export function planMessages(news: MessageNews[], stored: Map<string, Contact>): MessagePlan {
  const known = new Map(stored);
  const plan: MessagePlan = { contacts: new Map(), firstContacts: new Map(), notices: [] };
  const waiting = new Map<string, PlannedNotice[]>();
  for (const item of news) {
    if ('notice' in item) {
      const planned: PlannedNotice = { notice: item.notice, eventId: item.eventId, occurredAt: item.occurredAt, to: known.get(item.notice.customerId) };
      plan.notices.push(planned);
      if (!planned.to) waiting.set(item.notice.customerId, [...(waiting.get(item.notice.customerId) ?? []), planned]);
      continue;
    }
    const { userId, contact } = item;
    if (!known.has(userId)) plan.firstContacts.set(userId, contact);
    known.set(userId, contact);
    plan.contacts.set(userId, contact);
    for (const planned of waiting.get(userId) ?? []) planned.to = contact;
    waiting.delete(userId);
  }
  return plan;
}
