import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { decodeEnvelope, PaymentApproved, PaymentRefunded, ProductChanged, StoreOrderCanceled, Topics } from '@homestore/events';
import { call, createTopics, dropDatabase, eventually, readWholeTopic, startApp, TestApp, TestIssuer, TestPublisher } from '@homestore/testing';
import { ALL_TOPICS } from '@homestore/events';
import { OrderConfig } from '../src/order.config';
import { OrderModule } from '../src/order.module';

const ROOT = join(__dirname, '..', '..', '..');
const DEADLINES = 'PENDING=2s,PAID=2s,RECEIVED=1h,ACCEPTED=1h,SHIPPING=1h,CANCELING=1h';

/** Saga deadlines: an unpaid order is canceled with its reason, others overdue are reported, not guessed at. */
describe('order saga deadlines (real Kafka and PostgreSQL)', () => {
  const database = `hs_order_deadlines_${randomUUID().slice(0, 8)}`;
  const issuer = new TestIssuer();
  const publisher = new TestPublisher();
  const customer = randomUUID();
  const washer = randomUUID();
  let token: string;
  let shop: TestApp;

  beforeAll(async () => {
    await issuer.start();
    token = await issuer.token(customer);
    await createTopics(publisher.driver, [...ALL_TOPICS]);
    await publisher.connect();
    shop = await startApp('order', OrderConfig, (c) => OrderModule.register(c), {
      DATABASE_NAME: database,
      AUTH_JWKS_URL: issuer.jwksUrl,
      SAGA_DEADLINES: DEADLINES,
      SAGA_DEADLINE_CHECK_MS: '200',
    });
    await publisher.publish(ProductChanged, { productId: washer, revision: 1, name: 'Washer', category: 'appliances', price: 1000, salePrice: null, stock: 10, onSale: false });
    await eventually('the replica to know the washer', () => place(), (res) => res.status === 201).then((res) => cancelLater.push(res.body.id));
  });

  afterAll(async () => {
    await shop?.close();
    await publisher.disconnect();
    await issuer.stop();
    await dropDatabase(database);
  });

  const cancelLater: string[] = [];
  const place = () =>
    call(shop.base, 'POST', '/orders', token, { items: [{ productId: washer, quantity: 1 }], deliveryAddress: 'Seoul', deliveryPhone: '010', payment: { method: 'card', cardToken: 'tok_ok' } });
  const orderOf = async (id: string) => (await call(shop.base, 'GET', `/orders/${id}`, token)).body;
  const orderEvents = async (id: string) => (await readWholeTopic(publisher.driver, Topics.Order)).map((m) => decodeEnvelope(m.value)).filter((e) => e.orderId === id);

  it('cancels an order whose payment never answered, as a customer cancel would, and says why; the late payment is then paid back', async () => {
    const [orderId] = cancelLater;
    const canceling = await eventually('the deadline to cancel it', () => orderOf(orderId), (o) => o.status === 'CANCELING', 15_000);
    expect(canceling.statusReason).toBe('PAYMENT_TIMEOUT');
    await eventually('OrderCanceled on the wire', () => orderEvents(orderId), (events) => events.some((e) => e.eventType === 'OrderCanceled'));
    // The payment service comes back: it charges (OrderPlaced came first on its topic) and refunds; the store confirms.
    const paid = { paymentId: randomUUID(), orderId, customerId: customer, amount: 1000 };
    await publisher.publish(PaymentApproved, { ...paid, items: [{ productId: washer, name: 'Washer', unitPrice: 1000, quantity: 1 }], deliveryAddress: 'Seoul', deliveryPhone: '010' });
    await publisher.publish(PaymentRefunded, { ...paid, cause: 'ORDER_CANCELED' });
    await publisher.publish(StoreOrderCanceled, { storeOrderId: randomUUID(), orderId, customerId: customer, stockReleased: false });
    const canceled = await eventually('CANCELED', () => orderOf(orderId), (o) => o.status === 'CANCELED');
    expect(canceled.statusReason).toBe('PAYMENT_TIMEOUT');
    expect((await orderEvents(orderId)).filter((e) => e.eventType === 'OrderCanceled')).toHaveLength(1);
  });

  it('reports an order overdue where compensation is not safe (PAID) in the metric and `npm run saga:overdue`, and leaves it be', async () => {
    const placed = await place();
    const orderId = placed.body.id as string;
    await publisher.publish(PaymentApproved, {
      paymentId: randomUUID(), orderId, customerId: customer, amount: 1000,
      items: [{ productId: washer, name: 'Washer', unitPrice: 1000, quantity: 1 }], deliveryAddress: 'Seoul', deliveryPhone: '010',
    });
    await eventually('PAID', () => orderOf(orderId), (o) => o.status === 'PAID');
    await eventually(
      'the PAID order counted overdue',
      async () => (await fetch(`${shop.base}/metrics`)).text(),
      (text) => /homestore_saga_overdue_orders\{status="PAID"[^}]*\} [1-9]/.test(text),
      15_000,
    );
    expect((await orderOf(orderId)).status).toBe('PAID');
    const listed = spawnSync(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/order/src/saga-overdue.ts')], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_NAME: database, SAGA_DEADLINES: DEADLINES, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(listed.stderr).toBe('');
    expect(listed.status).toBe(2);
    expect(listed.stdout).toMatch(new RegExp(`${orderId}\\s+PAID\\s+.*needs an operator`));
    expect(listed.stdout).toMatch(/order\(s\) overdue: .*PAID [1-9]/);
  });

  it('counts the orders in each open status on every check (homestore_saga_open_orders), never the finished ones', async () => {
    // By now: the first order CANCELED (finished), the second PAID.
    const text = await eventually(
      'the open orders counted',
      async () => (await fetch(`${shop.base}/metrics`)).text(),
      (t) => /homestore_saga_open_orders\{status="PAID"[^}]*\} 1\n/.test(t),
      15_000,
    );
    for (const status of ['PENDING', 'RECEIVED', 'ACCEPTED', 'SHIPPING', 'CANCELING']) expect(text).toMatch(new RegExp(`homestore_saga_open_orders\\{status="${status}"[^}]*\\} 0\n`));
    expect(text).not.toMatch(/homestore_saga_open_orders\{status="(CANCELED|DELIVERED|REJECTED)"/);
  });
});
