import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { OrderAcceptedPayload, StoreOrderCanceledPayload } from '@homestore/events';
import { inLanes, Outbox, PendingEvent } from '@homestore/messaging';
import { UnitOfWork } from '@homestore/persistence';
import { Delivery, DeliveryState } from '../domain/delivery';
import { DeliveryRepository } from '../infrastructure/delivery.repository';
import { CancelDelivery } from './cancel-delivery';
import { StartDelivery } from './start-delivery';

/** The repository with its table in memory: load and save are the real ones, rows are copies as a database's are. */
class InMemoryDeliveries extends DeliveryRepository {
  readonly rows = new Map<string, DeliveryState>();
  reads = 0;
  writes = 0;

  override async loadMany(_em: EntityManager, orderIds: string[]): Promise<Map<string, Delivery>> {
    this.reads++;
    return new Map(orderIds.flatMap((id) => (this.rows.has(id) ? [[id, Delivery.restore(this.rows.get(id)!)] as const] : [])));
  }

  override async saveMany(_em: EntityManager, deliveries: Delivery[]): Promise<void> {
    this.writes++;
    for (const d of deliveries) this.rows.set(d.snapshot.orderId, { ...d.snapshot });
  }
}

/** The outbox's one method, remembering what was raised. */
class RecordingOutbox {
  readonly raised: PendingEvent[] = [];
  add(_work: UnitOfWork, events: PendingEvent[]) {
    this.raised.push(...events);
    return [];
  }
}

type StoreEvent = { type: 'OrderAccepted'; payload: OrderAcceptedPayload } | { type: 'StoreOrderCanceled'; payload: StoreOrderCanceledPayload };

const anOrder = (): OrderAcceptedPayload => ({
  storeOrderId: randomUUID(),
  orderId: randomUUID(),
  customerId: randomUUID(),
  items: [{ productId: randomUUID(), quantity: 1 }],
  deliveryAddress: 'Seoul, Teheran-ro 123',
  deliveryPhone: '010-1234-5678',
});
const accepted = (order: OrderAcceptedPayload): StoreEvent => ({ type: 'OrderAccepted', payload: order });
const canceled = ({ storeOrderId, orderId, customerId }: OrderAcceptedPayload): StoreEvent => ({
  type: 'StoreOrderCanceled',
  payload: { storeOrderId, orderId, customerId, stockReleased: true },
});

describe('the store events, handled one per call', () => {
  let deliveries: InMemoryDeliveries;
  let outbox: RecordingOutbox;
  let start: StartDelivery;
  let cancel: CancelDelivery;

  beforeEach(() => {
    deliveries = new InMemoryDeliveries();
    outbox = new RecordingOutbox();
    start = new StartDelivery(deliveries, outbox as unknown as Outbox);
    cancel = new CancelDelivery(deliveries, outbox as unknown as Outbox);
  });

  /** Handles these events as the consumer does a run: one unit of work, each order's in order, the orders side by side. */
  async function run(...events: StoreEvent[]): Promise<void> {
    const work = new UnitOfWork({} as EntityManager);
    await inLanes(events, (e) => e.payload.orderId, (e) =>
      e.type === 'OrderAccepted' ? start.execute(work, e.payload) : cancel.execute(work, e.payload),
    );
    await work.flush();
  }

  const statusOf = (order: OrderAcceptedPayload) => deliveries.rows.get(order.orderId)?.status;
  const factsOf = (order: OrderAcceptedPayload) =>
    outbox.raised.filter((e) => (e.payload as { orderId: string }).orderId === order.orderId).map((e) => e.definition.type);

  it('an accepted order starts its delivery to its address: DeliveryStarted with the delivery ids', async () => {
    const order = anOrder();
    await run(accepted(order));
    const row = deliveries.rows.get(order.orderId)!;
    expect(row).toMatchObject({ orderId: order.orderId, customerId: order.customerId, status: 'STARTED', address: order.deliveryAddress, phone: order.deliveryPhone });
    expect(outbox.raised).toEqual([{ definition: expect.objectContaining({ type: 'DeliveryStarted' }), payload: { deliveryId: row.deliveryId, orderId: order.orderId, customerId: order.customerId } }]);
  });

  it('an acceptance seen again (in the same run or a later one) starts nothing more', async () => {
    const order = anOrder();
    await run(accepted(order), accepted(order));
    await run(accepted(order));
    expect(statusOf(order)).toBe('STARTED');
    expect(factsOf(order)).toEqual(['DeliveryStarted']);
  });

  it('the store canceling an order under way cancels its delivery once: DeliveryCanceled', async () => {
    const order = anOrder();
    await run(accepted(order));
    await run(canceled(order), canceled(order));
    expect(statusOf(order)).toBe('CANCELED');
    expect(factsOf(order)).toEqual(['DeliveryStarted', 'DeliveryCanceled']);
  });

  it('a cancel before the acceptance leaves a VOIDED tombstone, announces nothing, and the late acceptance starts nothing', async () => {
    const inOneRun = anOrder();
    const inTwoRuns = anOrder();
    await run(canceled(inOneRun), accepted(inOneRun), canceled(inTwoRuns));
    await run(accepted(inTwoRuns));
    for (const order of [inOneRun, inTwoRuns]) {
      expect(deliveries.rows.get(order.orderId)).toMatchObject({ status: 'VOIDED', address: null, phone: null });
      expect(factsOf(order)).toEqual([]);
    }
  });

  it('a completed delivery stays completed when the store cancels the order', async () => {
    const order = anOrder();
    await run(accepted(order));
    deliveries.rows.set(order.orderId, { ...deliveries.rows.get(order.orderId)!, status: 'COMPLETED' });
    await run(canceled(order));
    expect(statusOf(order)).toBe('COMPLETED');
    expect(factsOf(order)).toEqual(['DeliveryStarted']);
  });

  it('a run of many orders ends as one event at a time would, reading once and writing once', async () => {
    const orders = Array.from({ length: 12 }, anOrder);
    const [canceledFirst, canceledUnderWay, redelivered] = [orders.slice(0, 3), orders.slice(3, 6), orders[6]];
    await run(
      ...canceledFirst.map(canceled),
      ...orders.map(accepted),
      ...canceledUnderWay.map(canceled),
      accepted(redelivered),
      canceled(canceledUnderWay[0]),
    );
    expect(deliveries.reads).toBe(1);
    expect(deliveries.writes).toBe(1);
    for (const order of orders) {
      const [status, facts] = canceledFirst.includes(order)
        ? ['VOIDED', []]
        : canceledUnderWay.includes(order)
          ? ['CANCELED', ['DeliveryStarted', 'DeliveryCanceled']]
          : ['STARTED', ['DeliveryStarted']];
      expect({ order: order.orderId, status: statusOf(order), facts: factsOf(order) }).toEqual({ order: order.orderId, status, facts });
    }
  });
});
