import { MessageNews, planMessages } from './message-news';
import type { Notice } from './notices';
import type { Contact } from './notifier';

const contact = (phone: string): Contact => ({ email: 'kim@example.com', name: 'Kim Minji', phone });
const notice = (customerId: string, n: number): MessageNews => ({
  notice: { type: 'DELIVERY_STARTED', customerId, orderId: `order-${n}`, text: `notice ${n}` } satisfies Notice,
  eventId: `event-${n}`,
  occurredAt: `2026-11-22T10:00:0${n}.000Z`,
});
const recipients = (news: MessageNews[], stored: [string, Contact][] = []) =>
  planMessages(news, new Map(stored)).notices.map((p) => [p.notice.text, p.to?.phone ?? null]);

describe('planMessages (a run of news, decided as one at a time would)', () => {
  it('sends a notice to the contact the customer has when it arrives', () => {
    expect(recipients([notice('a', 1)], [['a', contact('010-1')]])).toEqual([['notice 1', '010-1']]);
  });

  it('keeps a notice unsent while the customer has no contact', () => {
    const plan = planMessages([notice('a', 1)], new Map());
    expect(plan.notices.map((p) => p.to)).toEqual([undefined]);
    expect(plan.firstContacts.size).toBe(0);
  });

  it('sends notices that waited in the run to the first contact that follows them, and later ones to the contact as last updated', () => {
    const news: MessageNews[] = [notice('a', 1), { userId: 'a', contact: contact('010-1') }, notice('a', 2), { userId: 'a', contact: contact('010-2') }, notice('a', 3)];
    expect(recipients(news)).toEqual([
      ['notice 1', '010-1'],
      ['notice 2', '010-1'],
      ['notice 3', '010-2'],
    ]);
  });

  it('names the customers whose first contact the run brings (what was stored for them unsent goes to it), and saves each contact as the run leaves it', () => {
    const news: MessageNews[] = [
      { userId: 'a', contact: contact('010-1') },
      { userId: 'a', contact: contact('010-2') },
      { userId: 'b', contact: contact('010-9') },
    ];
    const plan = planMessages(news, new Map([['b', contact('010-8')]]));
    expect([...plan.firstContacts]).toEqual([['a', contact('010-1')]]);
    expect([...plan.contacts]).toEqual([
      ['a', contact('010-2')],
      ['b', contact('010-9')],
    ]);
  });

  it("keeps each customer's notices apart", () => {
    expect(recipients([notice('a', 1), notice('b', 2), { userId: 'b', contact: contact('010-2') }], [['c', contact('010-3')]])).toEqual([
      ['notice 1', null],
      ['notice 2', '010-2'],
    ]);
  });
});
