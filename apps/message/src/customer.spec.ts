import { Contact, Customer, Notification } from './customer';
import type { Notice } from './notices';

const contact = (phone: string): Contact => ({ email: 'kim@example.com', name: 'Kim Minji', phone });
const notice = (customerId: string, n: number): Notice => ({ type: 'DELIVERY_STARTED', customerId, orderId: `order-${n}`, text: `notice ${n}` });
const source = (n: number) => ({ eventId: `event-${n}`, occurredAt: `2026-11-22T10:00:0${n}.000Z` });
/** A notification stored before, unsent. */
const stored = (customerId: string, n: number): Notification => ({ id: `stored-${n}`, ...notice(customerId, n), ...source(n) });
const newCustomer = (id = 'a') => Customer.restore(id, undefined, []);
const sentTo = (ready: Notification[]) => ready.map((n) => [n.text, n.to?.phone]);

describe('Customer (one event at a time)', () => {
  it('sends a notice to the contact the customer has when it arrives', () => {
    const customer = Customer.restore('a', contact('010-1'), []);
    expect(sentTo(customer.notify(notice('a', 1), source(1)))).toEqual([['notice 1', '010-1']]);
    expect(customer.changes.made.map((n) => [n.eventId, n.occurredAt, n.to])).toEqual([['event-1', source(1).occurredAt, contact('010-1')]]);
  });

  it('keeps a notice unsent while the customer has no contact', () => {
    const customer = newCustomer();
    expect(customer.notify(notice('a', 1), source(1))).toEqual([]);
    expect(customer.changes).toEqual({ contact: undefined, made: [expect.objectContaining({ text: 'notice 1', to: undefined })], released: [] });
  });

  it('sends notices that waited to the first contact that follows them, and later ones to the contact as last updated', () => {
    const customer = newCustomer();
    const ready = [
      customer.notify(notice('a', 1), source(1)),
      customer.contactChanged(contact('010-1')),
      customer.notify(notice('a', 2), source(2)),
      customer.contactChanged(contact('010-2')),
      customer.notify(notice('a', 3), source(3)),
    ];
    expect(ready.map(sentTo)).toEqual([[], [['notice 1', '010-1']], [['notice 2', '010-1']], [], [['notice 3', '010-2']]]);
    // Each is stored once, as sent: the one that waited and was released here is a new row all the same.
    expect(customer.changes.made.map((n) => [n.text, n.to?.phone])).toEqual([
      ['notice 1', '010-1'],
      ['notice 2', '010-1'],
      ['notice 3', '010-2'],
    ]);
    expect(customer.changes.released).toEqual([]);
    expect(customer.changes.contact).toEqual(contact('010-2'));
  });

  it('sends what was stored unsent before to the first contact, with what waited since, oldest first', () => {
    const customer = Customer.restore('a', undefined, [stored('a', 3), stored('a', 1)]);
    customer.notify(notice('a', 2), source(2));
    expect(sentTo(customer.contactChanged(contact('010-1')))).toEqual([
      ['notice 1', '010-1'],
      ['notice 2', '010-1'],
      ['notice 3', '010-1'],
    ]);
    expect(customer.changes.released.map((n) => n.id)).toEqual(['stored-1', 'stored-3']);
    expect(customer.changes.made.map((n) => n.text)).toEqual(['notice 2']);
    expect(customer.contactChanged(contact('010-2'))).toEqual([]);
  });

  it('replaces a stored contact without sending anything again, and saves the contact as it is left', () => {
    const customer = Customer.restore('a', contact('010-8'), []);
    expect(customer.changes.contact).toBeUndefined();
    expect(customer.contactChanged(contact('010-9'))).toEqual([]);
    expect(customer.changes).toEqual({ contact: contact('010-9'), made: [], released: [] });
  });

  it("tells an event's notice once, whether it came before in this unit of work or waits stored", () => {
    const customer = Customer.restore('a', undefined, [stored('a', 1)]);
    expect(customer.notify(notice('a', 1), source(1))).toEqual([]);
    customer.notify(notice('a', 2), source(2));
    customer.notify(notice('a', 2), source(2));
    expect(customer.changes.made.map((n) => n.eventId)).toEqual(['event-2']);
    expect(sentTo(customer.contactChanged(contact('010-1')))).toEqual([
      ['notice 1', '010-1'],
      ['notice 2', '010-1'],
    ]);
    expect(customer.notify(notice('a', 1), source(1))).toEqual([]);
    expect(customer.notify(notice('a', 2), source(2))).toEqual([]);
  });

  it("keeps each customer's notices apart", () => {
    const [a, b] = [newCustomer('a'), Customer.restore('b', contact('010-3'), [])];
    a.notify(notice('a', 1), source(1));
    expect(sentTo(b.notify(notice('b', 2), source(2)))).toEqual([['notice 2', '010-3']]);
    expect(b.contactChanged(contact('010-4'))).toEqual([]);
    expect(a.changes.made.map((n) => [n.customerId, n.to])).toEqual([['a', undefined]]);
  });
});
