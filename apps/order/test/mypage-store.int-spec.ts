import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { EventEnvelope } from '@homestore/events';
import { inLanes } from '@homestore/messaging';
import { databaseUrl, dataSourceOptions, ensureDatabase, inUnitOfWork } from '@homestore/persistence';
import { dropDatabase, SERVER_URL, testDatabase } from '@homestore/testing';
import { orderMigrations } from '../src/infrastructure/migrations';
import { MyPageHistoryInRow1764000000003 } from '../src/infrastructure/migrations/1764000000003-mypage-history-in-row';
import { MyPageOrder, orderIdOf, project, projects } from '../src/mypage/mypage-projection';
import { MyPageStore } from '../src/mypage/mypage.store';
import { everyEnding, random, shuffle, welcomePoints } from './sagas';

const store = new MyPageStore();

/** An order's events one after the other; an event naming no order (the welcome points) in a lane of its own. */
const laneOf = (event: EventEnvelope<unknown>) => (projects(event) ? orderIdOf(event) : event.eventId);

/** Applies a run of events in one unit of work, as the consumer does: each order's in order, the orders side by side. */
const applyAll = (ds: DataSource, events: EventEnvelope<unknown>[]) => inUnitOfWork(ds, (work) => inLanes(events, laneOf, (event) => store.apply(work, event)));

/** The live projector applies runs of events in one unit of work (each order's in order, the orders side by side): whatever the runs, the rows are those of one at a time. */
describe('myPage store: runs of events in PostgreSQL', () => {
  const sagas = everyEnding();
  const all = sagas.flat();
  const orderIds = sagas.map((s) => orderIdOf(s[0]));
  let ds: DataSource;
  let drop: () => Promise<void>;

  /** The pure projection, one event at a time. */
  const expected = (() => {
    const rows = new Map<string, MyPageOrder>();
    for (const e of all) rows.set(orderIdOf(e), project(rows.get(orderIdOf(e)), e));
    return orderIds.map((id) => rows.get(id));
  })();

  const stored = async () => {
    const rows = new Map((await store.find(ds.manager, orderIds)).map((r) => [r.orderId, r]));
    return orderIds.map((id) => rows.get(id));
  };

  /** Cuts the events into runs of 1 to 15 and applies each run in a transaction of its own. */
  const applyInRuns = async (events: EventEnvelope<unknown>[], next: () => number) => {
    for (let i = 0; i < events.length; ) {
      const size = 1 + Math.floor(next() * 15);
      const run = events.slice(i, i + size);
      await applyAll(ds, run);
      i += size;
    }
  };

  beforeAll(async () => ({ ds, drop } = await testDatabase('mypage', orderMigrations)));
  afterAll(() => drop?.());

  it('ends in the state of the one-at-a-time projection for 20 random arrival orders, run cuts and redeliveries; the welcome points leave no row', async () => {
    const next = random(7);
    const welcomes = [welcomePoints(), welcomePoints()];
    for (let round = 0; round < 20; round++) {
      await ds.transaction((em) => store.clear(em));
      const redelivered = all.filter(() => next() < 0.3);
      await applyInRuns(shuffle([...all, ...redelivered, ...redelivered, ...welcomes], next), next);
      expect(await stored()).toEqual(expected);
      expect(await ds.query(`SELECT count(*)::int AS n FROM mypage_orders`)).toEqual([{ n: orderIds.length }]);
    }
  });

  it('applies runs that share orders in concurrent transactions without deadlock, to the same state', async () => {
    const next = random(11);
    for (let round = 0; round < 5; round++) {
      await ds.transaction((em) => store.clear(em));
      const events = shuffle(all, next);
      const half = Math.floor(events.length / 2);
      // Each half in reverse order of the other, so the two take their orders' locks in opposite orders if they could.
      await Promise.all([applyInRuns(events.slice(0, half), next), applyInRuns(events.slice(half).reverse(), next)]);
      expect(await stored()).toEqual(expected);
    }
  });

  it('keeps the history of a database made before history moved into the rows (migration 1764000000003)', async () => {
    const old = `hs_test_mypage_upgrade_${randomUUID().slice(0, 8)}`;
    await ensureDatabase(SERVER_URL, old);
    const before = orderMigrations.slice(0, orderMigrations.findIndex((m) => m === MyPageHistoryInRow1764000000003));
    const upgrade = async (migrations: typeof orderMigrations) => {
      const source = new DataSource(dataSourceOptions({ url: databaseUrl(SERVER_URL, old), entities: [], migrations }));
      await source.initialize();
      return source;
    };
    try {
      const legacy = await upgrade(before);
      // A row and its history as the old schema held them (history in a table of its own).
      const [placed, paid] = sagas[0];
      const orderId = orderIdOf(placed);
      await legacy.query(
        `INSERT INTO mypage_orders (order_id, customer_id, payment, store, delivery, cancel_requested, status, updated_at)
         VALUES ($1, $2, 'APPROVED', 'NONE', 'NONE', false, 'PAID', $3)`,
        [orderId, (placed.payload as { customerId: string }).customerId, paid.occurredAt],
      );
      for (const e of [paid, placed]) {
        await legacy.query(`INSERT INTO mypage_history (order_id, event_id, event_type, occurred_at) VALUES ($1, $2, $3, $4)`, [orderId, e.eventId, e.eventType, e.occurredAt]);
      }
      await legacy.destroy();

      const upgraded = await upgrade(orderMigrations);
      try {
        const [row] = await store.find(upgraded.manager, [orderId]);
        expect(row.history).toEqual(
          [placed, paid].map((e) => ({ eventId: e.eventId, eventType: e.eventType, occurredAt: new Date(e.occurredAt).toISOString() })),
        );
        // The events it holds change nothing when they come again.
        await applyAll(upgraded, [placed, paid]);
        expect(await store.find(upgraded.manager, [orderId])).toEqual([row]);
      } finally {
        await upgraded.destroy();
      }
    } finally {
      await dropDatabase(old);
    }
  });
});
