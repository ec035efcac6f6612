import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { SUBSCRIPTIONS } from '@homestore/events';
import { MILEAGE_GROUP } from '../consumer-group';
import { DeliveryEventsHandler } from './delivery-events.handler';
import { OrderEventsHandler } from './order-events.handler';
import { PaymentEventsHandler } from './payment-events.handler';
import { StoreEventsHandler } from './store-events.handler';
import { UserEventsHandler } from './user-events.handler';

const HANDLERS = [UserEventsHandler, OrderEventsHandler, PaymentEventsHandler, StoreEventsHandler, DeliveryEventsHandler];

describe("mileage's event handlers", () => {
  it("handle exactly the events libs/events lists for the group 'mileage', each in a method on<EventType>", () => {
    const handled = HANDLERS.flatMap((handler) =>
      Object.getOwnPropertyNames(handler.prototype).flatMap((method) => {
        const patterns = Reflect.getMetadata(PATTERN_METADATA, (handler.prototype as unknown as Record<string, object>)[method]) as { group: string; event: string }[] | undefined;
        return (patterns ?? []).map(({ group, event }) => ({ group, event, method }));
      }),
    );
    const subscribed = Object.entries(SUBSCRIPTIONS).flatMap(([event, subs]) => (subs.some((s) => s.group === 'mileage') ? [event] : []));
    expect(MILEAGE_GROUP).toBe('mileage');
    expect(handled.map((h) => h.event).sort()).toEqual(subscribed.sort());
    expect(subscribed.sort()).toEqual(['DeliveryCompleted', 'OrderCanceled', 'OrderPlaced', 'PaymentApproved', 'PaymentFailed', 'StockReservationFailed', 'UserRegistered']);
    for (const h of handled) expect(h).toEqual({ group: 'mileage', event: h.event, method: `on${h.event}` });
  });
});
