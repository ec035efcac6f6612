import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { SUBSCRIPTIONS } from '@homestore/events';
import { MessageEventsHandler } from './message-events.handler';

describe("message's event handlers", () => {
  it("handle exactly the events libs/events lists for the group 'message', each in a method on<EventType>", () => {
    const handled = Object.getOwnPropertyNames(MessageEventsHandler.prototype).flatMap((method) => {
      const patterns = Reflect.getMetadata(PATTERN_METADATA, Reflect.get(MessageEventsHandler.prototype, method)) as { group: string; event: string }[] | undefined;
      return (patterns ?? []).map(({ group, event }) => ({ group, event, method }));
    });
    const subscribed = Object.entries(SUBSCRIPTIONS).flatMap(([event, subs]) => (subs.some((s) => s.group === 'message') ? [event] : []));
    expect(handled.map((h) => h.event).sort()).toEqual(subscribed.sort());
    expect(subscribed).toContain('PaymentVoided');
    for (const h of handled) expect(h).toEqual({ group: 'message', event: h.event, method: `on${h.event}` });
  });
});
