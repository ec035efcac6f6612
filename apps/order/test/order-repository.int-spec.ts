import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { testDatabase } from '@homestore/testing';
import { Outbox } from '@homestore/messaging';
import { Order } from '../src/domain/order';
import { orderMigrations } from '../src/infrastructure/migrations';
import { OrderRepository } from '../src/infrastructure/order.repository';

/** The saga loads and saves orders by their keys: its cost must not grow with the number of orders in the table. */
describe('order repository in PostgreSQL: reads and writes orders by key', () => {
  const repository = new OrderRepository(new Outbox('order'));
  const ids: string[] = [];
  let ds: DataSource;
  let drop: () => Promise<void>;

  /** Sequential scans of `orders` counted by this session and not yet reported (a difference of two is what a statement did). */
  const tableScans = async (em: EntityManager) =>
    Number((await em.query(`SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'orders'`))[0]?.seq_scan ?? 0);

  beforeAll(async () => {
    ({ ds, drop } = await testDatabase('orders', orderMigrations));
    await ds.transaction(async (em) => {
      for (let i = 0; i < 2000; i++) {
        const order = Order.place(randomUUID(), randomUUID(), [{ productId: randomUUID(), name: 'Fridge', unitPrice: 1000, quantity: 1 }]);
        await repository.insert(em, order, { deliveryAddress: 'Seoul', deliveryPhone: '010' }, []);
        ids.push(order.snapshot.id);
      }
    });
    await ds.query('ANALYZE orders');
  });

  afterAll(() => drop?.());

  it('locks, loads and saves a run of orders without scanning the table', async () => {
    const run = [ids[5], ids[900], ids[1999]];
    await ds.transaction(async (em) => {
      const before = await tableScans(em);
      const orders = await repository.loadMany(em, run);
      expect([...orders.keys()].sort()).toEqual([...run].sort());
      await repository.saveMany(em, [...orders.values()]);
      expect((await tableScans(em)) - before).toBe(0);
    });
  });
});
