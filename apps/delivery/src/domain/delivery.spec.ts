import { AcceptedOrder, Delivery, DeliveryStatus } from './delivery';

const ORDER = '0b7e3c9a-8f4d-4c2e-9b1a-2d3e4f5a6b7c';
const CUSTOMER = '5f0c8a52-3c1e-4d55-9a1b-6c9f1e2d3a41';
const DELIVERY = 'd1d2d3d4-0000-4000-8000-000000000001';

const anAcceptedOrder = (): AcceptedOrder => ({ deliveryId: DELIVERY, orderId: ORDER, customerId: CUSTOMER, address: 'Seoul, Teheran-ro 123', phone: '010-1234-5678' });

const aCanceledOrder = () => ({ deliveryId: DELIVERY, orderId: ORDER, customerId: CUSTOMER });

/** A delivery in the given status, reached through its own transitions. */
function aDelivery(status: DeliveryStatus): Delivery {
  if (status === 'VOIDED') return Delivery.voided(DELIVERY, ORDER, CUSTOMER);
  const { delivery } = Delivery.start(null, anAcceptedOrder())!;
  if (status === 'CANCELED') delivery.cancel();
  if (status === 'COMPLETED') delivery.complete();
  return delivery;
}

describe('Delivery', () => {
  it('an accepted order starts a delivery to its address: DeliveryStarted', () => {
    const started = Delivery.start(null, anAcceptedOrder());
    expect(started?.fact).toEqual({ type: 'DeliveryStarted' });
    expect(started?.delivery.snapshot).toEqual({ ...anAcceptedOrder(), status: 'STARTED' });
  });

  it.each(['STARTED', 'CANCELED', 'COMPLETED', 'VOIDED'] as const)('never starts a second delivery for an order that has one (%s)', (status) => {
    expect(Delivery.start(aDelivery(status), anAcceptedOrder())).toBeNull();
  });

  it('cancels a delivery under way: DeliveryCanceled', () => {
    const delivery = aDelivery('STARTED');
    expect(delivery.cancel()).toEqual({ type: 'DeliveryCanceled' });
    expect(delivery.snapshot.status).toBe('CANCELED');
  });

  it.each(['CANCELED', 'COMPLETED', 'VOIDED'] as const)('a cancel of a %s delivery changes nothing', (status) => {
    const delivery = aDelivery(status);
    expect(delivery.cancel()).toBeNull();
    expect(delivery.snapshot.status).toBe(status);
  });

  it('a store cancel before the order was accepted leaves a VOIDED tombstone without an address', () => {
    expect(Delivery.voided(DELIVERY, ORDER, CUSTOMER).snapshot).toEqual({ deliveryId: DELIVERY, orderId: ORDER, customerId: CUSTOMER, status: 'VOIDED', address: null, phone: null });
  });

  it('the store canceling an order under way cancels its delivery: DeliveryCanceled', () => {
    const delivery = aDelivery('STARTED');
    expect(Delivery.cancelOrder(delivery, aCanceledOrder())).toEqual({ delivery, fact: { type: 'DeliveryCanceled' } });
    expect(delivery.snapshot.status).toBe('CANCELED');
  });

  it('the store canceling an order delivery never saw accepted leaves a VOIDED tombstone, announcing nothing', () => {
    const change = Delivery.cancelOrder(null, aCanceledOrder());
    expect(change?.fact).toBeNull();
    expect(change?.delivery.snapshot).toEqual({ ...aCanceledOrder(), status: 'VOIDED', address: null, phone: null });
    expect(Delivery.start(change!.delivery, anAcceptedOrder())).toBeNull();
  });

  it.each(['CANCELED', 'COMPLETED', 'VOIDED'] as const)('the store canceling an order whose delivery is %s changes nothing', (status) => {
    const delivery = aDelivery(status);
    expect(Delivery.cancelOrder(delivery, aCanceledOrder())).toBeNull();
    expect(delivery.snapshot.status).toBe(status);
  });

  it('completes a delivery under way: DeliveryCompleted; again, nothing more', () => {
    const delivery = aDelivery('STARTED');
    expect(delivery.complete()).toEqual({ ok: true, fact: { type: 'DeliveryCompleted' } });
    expect(delivery.snapshot.status).toBe('COMPLETED');
    expect(delivery.complete()).toEqual({ ok: true, fact: null });
  });

  it.each(['CANCELED', 'VOIDED'] as const)('refuses to complete a %s delivery', (status) => {
    const delivery = aDelivery(status);
    expect(delivery.complete()).toEqual({ ok: false, status });
    expect(delivery.snapshot.status).toBe(status);
  });
});
