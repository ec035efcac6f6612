import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { databaseUrl, dataSourceOptions, ensureDatabase } from '@homestore/platform';
import { dropDatabase, SERVER_URL } from '@homestore/testing';
import { Outbox } from '@homestore/messaging';
import { Order } from '../src/domain/order';
import { orderMigrations } from '../src/infrastructure/migrations';
import { OrderRepository } from '../src/infrastructure/order.repository';

/** The saga loads and saves orders by their keys: its cost must not grow with the number of orders in the table. */
describe('order repository in PostgreSQL: reads and writes orders by key', () => {
  const database = `hs_test_orders_${randomUUID().slice(0, 8)}`;
  const repository = new OrderRepository(new Outbox('order'));
  const ids: string[] = [];
  let ds: DataSource;

  /** Sequential scans of `orders` counted by this session and not yet reported (a difference of two is what a statement did). */
  const tableScans = async (em: EntityManager) =>
    Number((await em.query(`SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'orders'`))[0]?.seq_scan ?? 0);

  beforeAll(async () => {
    await ensureDatabase(SERVER_URL, database);
    ds = new DataSource(dataSourceOptions({ url: databaseUrl(SERVER_URL, database), entities: [], migrations: orderMigrations }));
    await ds.initialize();
    await ds.transaction(async (em) => {
      for (let i = 0; i < 2000; i++) {
        const order = Order.place(randomUUID(), randomUUID(), [{ productId: randomUUID(), name: 'Fridge', unitPrice: 1000, quantity: 1 }]);
        await repository.insert(em, order, { deliveryAddress: 'Seoul', deliveryPhone: '010' }, undefined, []);
        ids.push(order.snapshot.id);
      }
    });
    await ds.query('ANALYZE orders');
  });

  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(database);
  });

  it('locks, loads and saves a run of orders without scanning the table', async () => {
    const run = [ids[5], ids[900], ids[1999]];
    await ds.transaction(async (em) => {
      const before = await tableScans(em);
      const orders = await repository.loadAllForUpdate(em, run);
      expect([...orders.keys()].sort()).toEqual([...run].sort());
      await repository.saveAll(em, [...orders.values()]);
      expect((await tableScans(em)) - before).toBe(0);
    });
  });
});
