import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { SUBSCRIPTIONS } from '@homestore/events';
import { ConsumerGroups } from '../consumer-groups';
import { MyPageProjector } from '../mypage/mypage.projector';
import { DeliveryEventsHandler } from './delivery-events.handler';
import { MileageEventsHandler } from './mileage-events.handler';
import { PaymentEventsHandler } from './payment-events.handler';
import { ProductEventsHandler } from './product-events.handler';
import { StoreEventsHandler } from './store-events.handler';

const HANDLERS = [ProductEventsHandler, PaymentEventsHandler, StoreEventsHandler, DeliveryEventsHandler, MileageEventsHandler, MyPageProjector];

/** Every `@EventPattern` of the order app: its group, its event and the method it is on. */
const handled = HANDLERS.flatMap((handler) =>
  Object.getOwnPropertyNames(handler.prototype).flatMap((method) => {
    const patterns = Reflect.getMetadata(PATTERN_METADATA, Reflect.get(handler.prototype, method)) as { group: string; event: string }[] | undefined;
    return (patterns ?? []).map(({ group, event }) => ({ group, event, method }));
  }),
);
const subscribedBy = (group: string) => Object.entries(SUBSCRIPTIONS).flatMap(([event, subs]) => (subs.some((s) => s.group === group) ? [event] : []));

describe("the order app's event handlers", () => {
  it.each([ConsumerGroups.saga, ConsumerGroups.myPage])("handle exactly the events libs/events lists for the group '%s', each in a method on<EventType>", (group) => {
    const ours = handled.filter((h) => h.group === group);
    expect(ours.map((h) => h.event).sort()).toEqual(subscribedBy(group).sort());
    for (const h of ours) expect(h.method).toBe(`on${h.event}`);
  });

  it('take the points and the voided payment in both groups', () => {
    for (const group of [ConsumerGroups.saga, ConsumerGroups.myPage]) {
      expect(handled.filter((h) => h.group === group).map((h) => h.event)).toEqual(
        expect.arrayContaining(['PaymentVoided', 'PointsReserved', 'PointsReservationFailed', 'PointsReleased']),
      );
    }
    expect(handled.filter((h) => h.event === 'PointsEarned').map((h) => h.group)).toEqual([ConsumerGroups.myPage]);
    expect(handled.map((h) => h.group).filter((g) => g !== ConsumerGroups.saga && g !== ConsumerGroups.myPage)).toEqual([]);
  });
});
