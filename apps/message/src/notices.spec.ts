import type {
  DeliveryCanceledPayload,
  DeliveryCompletedPayload,
  DeliveryStartedPayload,
  PaymentFailedPayload,
  PaymentRefundedPayload,
  PaymentVoidedPayload,
  StockReservationFailedPayload,
  UserRegisteredPayload,
} from '@homestore/events';
import { eventFixture } from '../../../libs/events/testing/fixtures';
import { Notices } from './notices';

const payloadOf = <P>(eventType: string, overrides: Partial<P> = {}): P => ({ ...eventFixture<P>(eventType).payload, ...overrides });

describe('Notices', () => {
  it('welcomes a customer who registered, by name; not the store clerk', () => {
    const customer = payloadOf<UserRegisteredPayload>('UserRegistered', { role: 'customer', name: 'Kim Minji' });
    expect(Notices.userRegistered(customer)).toEqual({ type: 'WELCOME', customerId: customer.userId, orderId: null, text: 'Welcome to Homestore, Kim Minji!' });
    expect(Notices.userRegistered({ ...customer, role: 'store' })).toBeNull();
  });

  it.each([
    ['CARD_DECLINED', /card was declined/],
    ['LIMIT_EXCEEDED', /over your card limit/],
  ] as const)('tells the customer an order was rejected when payment failed (%s)', (reason, text) => {
    const p = payloadOf<PaymentFailedPayload>('PaymentFailed', { reason });
    expect(Notices.paymentFailed(p)).toEqual({ type: 'ORDER_REJECTED', customerId: p.customerId, orderId: p.orderId, text: expect.stringMatching(text) });
  });

  it('tells the customer an order was rejected when stock was short', () => {
    const p = payloadOf<StockReservationFailedPayload>('StockReservationFailed');
    expect(Notices.stockReservationFailed(p)).toEqual({ type: 'ORDER_REJECTED', customerId: p.customerId, orderId: p.orderId, text: expect.stringMatching(/out of stock/) });
  });

  it('tells of a refund of a canceled order, with the amount; not of an out-of-stock refund', () => {
    const p = payloadOf<PaymentRefundedPayload>('PaymentRefunded', { cause: 'ORDER_CANCELED', amount: 6_690_000 });
    expect(Notices.paymentRefunded(p)).toEqual({ type: 'ORDER_CANCELED', customerId: p.customerId, orderId: p.orderId, text: expect.stringContaining('6,690,000 won refunded') });
    expect(Notices.paymentRefunded({ ...p, cause: 'OUT_OF_STOCK' })).toBeNull();
  });

  it('tells the customer an order canceled before its charge was canceled, with nothing charged', () => {
    const p = payloadOf<PaymentVoidedPayload>('PaymentVoided');
    expect(Notices.paymentVoided(p)).toEqual({
      type: 'ORDER_CANCELED',
      customerId: p.customerId,
      orderId: p.orderId,
      text: `Your order ${p.orderId.slice(0, 8)} was canceled. Nothing was charged.`,
    });
  });

  it('tells of each step of the delivery', () => {
    const started = payloadOf<DeliveryStartedPayload>('DeliveryStarted');
    const canceled = payloadOf<DeliveryCanceledPayload>('DeliveryCanceled');
    const completed = payloadOf<DeliveryCompletedPayload>('DeliveryCompleted');
    expect(Notices.deliveryStarted(started)).toMatchObject({ type: 'DELIVERY_STARTED', customerId: started.customerId, orderId: started.orderId });
    expect(Notices.deliveryCanceled(canceled)).toMatchObject({ type: 'DELIVERY_CANCELED', customerId: canceled.customerId, orderId: canceled.orderId });
    expect(Notices.deliveryCompleted(completed)).toMatchObject({ type: 'DELIVERY_COMPLETED', customerId: completed.customerId, orderId: completed.orderId });
    expect(Notices.deliveryStarted(started).text).toContain(started.orderId.slice(0, 8));
  });
});
