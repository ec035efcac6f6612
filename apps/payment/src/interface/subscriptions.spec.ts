import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { SUBSCRIPTIONS } from '@homestore/events';
import { PAYMENT_GROUP } from '../consumer-group';
import { MileageEventsHandler } from './mileage-events.handler';
import { OrderEventsHandler } from './order-events.handler';
import { StoreEventsHandler } from './store-events.handler';

const HANDLERS = [OrderEventsHandler, StoreEventsHandler, MileageEventsHandler];

describe("payment's event handlers", () => {
  it("handle exactly the events libs/events lists for the group 'payment', each in a method on<EventType>", () => {
    const handled = HANDLERS.flatMap((handler) =>
      Object.getOwnPropertyNames(handler.prototype).flatMap((method) => {
        const patterns = Reflect.getMetadata(PATTERN_METADATA, Reflect.get(handler.prototype, method)) as { group: string; event: string }[] | undefined;
        return (patterns ?? []).map(({ group, event }) => ({ group, event, method }));
      }),
    );
    const subscribed = Object.entries(SUBSCRIPTIONS).flatMap(([event, subs]) => (subs.some((s) => s.group === 'payment') ? [event] : []));
    expect(PAYMENT_GROUP).toBe('payment');
    expect(handled.map((h) => h.event).sort()).toEqual(subscribed.sort());
    expect(subscribed.sort()).toEqual(['OrderCanceled', 'OrderPlaced', 'PointsReservationFailed', 'PointsReserved', 'StockReservationFailed']);
    for (const h of handled) expect(h).toEqual({ group: 'payment', event: h.event, method: `on${h.event}` });
  });
});
