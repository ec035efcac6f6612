import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PaymentApproved } from '@homestore/events';
import { eventually, walkPages } from '@homestore/testing';
import { Answer, call, handledSoFar, logIn, newCustomer, Shop, startShop, whilePaused } from './shop';

/*
 * The shop end to end: all eight apps as their own processes (real Kafka and PostgreSQL, databases of this run),
 * spoken to through the gateway only, as a customer and the store clerk would. The store does not accept by itself
 * (STORE_AUTO_ACCEPT=false): the clerk accepts through the API.
 *
 * Every app consumes in consumer groups of this run's own (CONSUMER_GROUP_PREFIX), so a shop running beside the
 * test takes none of its events; the topics are shared, so every assertion is about the orders and customers made here.
 */

type Customer = { id: string; token: string };

describe('the shop, end to end through the gateway', () => {
  let shop: Shop;
  let gw: string;
  let clerk: string;
  let alice: Customer;
  let product: { id: string; price: number; salePrice: number | null };

  const address = { deliveryAddress: '12 Teheran-ro, Gangnam-gu, Seoul', deliveryPhone: '010-1234-5678' };
  const get = (path: string, token: string) => call(gw, 'GET', path, token);
  /** Every row of a paged list (`{ [key]: rows, nextCursor }`), newest first, 200 a page. */
  const everything = async <T>(path: string, token: string, key: string): Promise<T[]> => (await walkPages<T>((p) => get(p, token), path, key, { limit: 200 })).rows;
  const stockOf = async (productId: string): Promise<number> => (await call(gw, 'GET', `/products/${productId}`)).body.stock;

  const orderOf = (items: { productId: string; quantity: number }[], cardToken = 'tok_visa') => ({ items, ...address, payment: { method: 'card', cardToken } });

  /** POST /orders, retried while the order service's product replica does not know the product yet. */
  async function place(customer: Customer, productId: string, quantity = 1, cardToken = 'tok_visa'): Promise<Answer> {
    const body = orderOf([{ productId, quantity }], cardToken);
    const res = await eventually(
      `the order service to know product ${productId}`,
      () => call(gw, 'POST', '/orders', customer.token, body),
      (r) => !(r.status === 422 && r.body?.code === 'ORDER.UNKNOWN_PRODUCT'),
    );
    expect([res.status, res.body.status]).toEqual([201, 'PENDING']);
    return res;
  }

  /**
   * Waits, placing no order, until the order service's product replica knows a product: an order for it beside a
   * product that exists nowhere is refused (422) naming the stranger alone.
   */
  async function orderServiceKnows(productId: string): Promise<void> {
    const body = orderOf([{ productId, quantity: 1 }, { productId: randomUUID(), quantity: 1 }]);
    const res = await eventually(
      `the order service to know product ${productId}`,
      () => call(gw, 'POST', '/orders', alice.token, body),
      (r) => !(r.status === 422 && String(r.body?.message).includes(productId)),
    );
    expect([res.status, res.body.code]).toEqual([422, 'ORDER.UNKNOWN_PRODUCT']);
  }

  const myPage = (customer: Customer, orderId: string, ok: (v: Answer) => boolean, what: string) =>
    eventually(`order ${orderId} ${what}`, () => get(`/mypage/orders/${orderId}`, customer.token), (r) => r.status === 200 && ok(r));
  const orderIs = (customer: Customer, orderId: string, status: string) =>
    eventually(`order ${orderId} to be ${status}`, () => get(`/orders/${orderId}`, customer.token), (r) => r.body?.status === status);
  const messagesOf = (customer: Customer, orderId: string, types: string[]) =>
    eventually(
      `messages ${types.join(', ')} for order ${orderId}`,
      async () => (await everything<{ type: string; orderId: string | null }>('/messages', customer.token, 'messages')).filter((m) => m.orderId === orderId),
      (ms) => types.every((t) => ms.some((m) => m.type === t)),
    );
  const paymentIs = (customer: Customer, orderId: string, status: string) =>
    eventually(`payment of ${orderId} to be ${status}`, () => get(`/payments/${orderId}`, customer.token), (r) => r.body?.status === status);
  /**
   * The end of a cancel whose delivery never started: CANCELED, refunded, the stock as it was before the order (once
   * the store has handled every PaymentApproved so far, nothing more can move it), no delivery, myPage agreeing, the
   * customer told. Returns the myPage entry.
   */
  const canceledAndRefundedWithStock = async (orderId: string, stockBefore: number) => {
    await orderIs(alice, orderId, 'CANCELED');
    await paymentIs(alice, orderId, 'REFUNDED');
    await handledSoFar(shop, 'ordermanagement', PaymentApproved.topic);
    expect(await stockOf(product.id)).toBe(stockBefore);
    expect((await get(`/deliveries/${orderId}`, alice.token)).status).toBe(404);
    const page = await myPage(alice, orderId, (r) => r.body.status === 'CANCELED' && r.body.paymentStatus === 'REFUNDED', 'CANCELED and refunded');
    expect(page.body.deliveryStatus).toBe('NONE');
    await messagesOf(alice, orderId, ['ORDER_CANCELED']);
    return page;
  };
  const accept = async (orderId: string) => {
    const res = await call(gw, 'POST', `/store/orders/${orderId}/accept`, clerk);
    expect([res.status, res.body]).toEqual([200, expect.objectContaining({ orderId, status: 'ACCEPTED' })]);
  };

  /** The spans every app exports over OTLP/HTTP (JSON) while the suite runs: what a collector would receive. */
  type ExportedSpan = { service: string; traceId: string; spanId: string; parentSpanId: string; name: string; orderId?: string };
  const spans: ExportedSpan[] = [];
  let collector: Server;

  beforeAll(async () => {
    collector = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        type Attr = { key: string; value: { stringValue?: string } };
        type Sent = Omit<ExportedSpan, 'service' | 'orderId'> & { attributes?: Attr[] };
        const sent = JSON.parse(body) as { resourceSpans: { resource: { attributes: Attr[] }; scopeSpans: { spans: Sent[] }[] }[] };
        const valueOf = (attributes: Attr[] | undefined, key: string) => attributes?.find((a) => a.key === key)?.value.stringValue;
        for (const r of sent.resourceSpans) {
          const service = valueOf(r.resource.attributes, 'service.name') ?? '?';
          for (const scope of r.scopeSpans)
            for (const sp of scope.spans) spans.push({ service, traceId: sp.traceId, spanId: sp.spanId, parentSpanId: sp.parentSpanId ?? '', name: sp.name, orderId: valueOf(sp.attributes, 'orderId') });
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    shop = await startShop({
      env: {
        RATE_LIMIT_IP: '100000',
        RATE_LIMIT_USER: '100000',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
      perApp: { ordermanagement: { STORE_AUTO_ACCEPT: 'false' } },
    });
    gw = shop.gateway;
    clerk = await logIn(gw, shop.clerk.email, shop.clerk.password);
    const catalog = await call(gw, 'GET', '/products');
    expect(catalog.status).toBe(200);
    product = (catalog.body as { id: string; stock: number; price: number; salePrice: number | null }[]).sort((a, b) => b.stock - a.stock)[0];
    expect(await stockOf(product.id)).toBeGreaterThan(20);
    alice = await newCustomer(gw, 'alice');
  }, 120_000);

  afterAll(async () => {
    await shop?.stop();
    collector?.close();
  }, 60_000);

  let delivered: string;

  it('happy path: PENDING → RECEIVED → (clerk accepts) SHIPPING → (clerk completes) DELIVERED; every service agrees', async () => {
    const placed = await place(alice, product.id, 2);
    const orderId: string = placed.body.id;
    delivered = orderId;
    expect(placed.body.totalAmount).toBe(2 * (product.salePrice ?? product.price));

    await myPage(alice, orderId, (r) => r.body.status === 'RECEIVED' && r.body.paymentStatus === 'APPROVED', 'RECEIVED and paid');
    await accept(orderId);
    await myPage(alice, orderId, (r) => r.body.status === 'SHIPPING' && r.body.deliveryStatus === 'STARTED', 'SHIPPING');
    const completed = await call(gw, 'POST', `/deliveries/${orderId}/complete`, clerk);
    expect([completed.status, completed.body.status]).toEqual([200, 'COMPLETED']);
    const page = await myPage(alice, orderId, (r) => r.body.status === 'DELIVERED', 'DELIVERED');

    // The order's own row and myPage are fed by two consumer groups: each gets there in its own time.
    expect((await orderIs(alice, orderId, 'DELIVERED')).body).toMatchObject({ id: orderId, statusReason: null, totalAmount: placed.body.totalAmount });
    expect((await get(`/payments/${orderId}`, alice.token)).body).toMatchObject({ orderId, status: 'APPROVED', amount: placed.body.totalAmount });
    expect((await get(`/deliveries/${orderId}`, alice.token)).body).toMatchObject({ orderId, status: 'COMPLETED', address: address.deliveryAddress });
    await messagesOf(alice, orderId, ['DELIVERY_STARTED', 'DELIVERY_COMPLETED']);
    expect(page.body).toMatchObject({ orderId, paymentStatus: 'APPROVED', deliveryStatus: 'COMPLETED', totalAmount: placed.body.totalAmount });
    expect(page.body.history.map((h: { eventType: string }) => h.eventType)).toEqual(
      expect.arrayContaining(['OrderPlaced', 'PaymentApproved', 'StoreOrderReceived', 'OrderAccepted', 'DeliveryStarted', 'DeliveryCompleted']),
    );
  });

  it('one order is one trace per action, found by its orderId tag: its POST through gateway, order, payment, store and mileage; the clerk\'s accept through delivery and message', async () => {
    const traceOf = (traceId: string) => spans.filter((sp) => sp.traceId === traceId);
    const clientSpan = () => ({ traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') });
    /** Waits until the trace has spans of these services, then checks every span hangs from the client's, one parent to the next. */
    const traced = async (client: { traceId: string; spanId: string }, services: string[]) => {
      const trace = await eventually(`spans of ${services.join(', ')} in trace ${client.traceId}`, () => traceOf(client.traceId), (t) => services.every((s) => t.some((sp) => sp.service === s)));
      const ids = new Set([client.spanId, ...trace.map((sp) => sp.spanId)]);
      expect(trace.filter((sp) => !ids.has(sp.parentSpanId)).map((sp) => `${sp.service} ${sp.name}`)).toEqual([]);
      return trace;
    };

    const post = clientSpan();
    const placed = await call(gw, 'POST', '/orders', alice.token, orderOf([{ productId: product.id, quantity: 1 }]), { traceparent: `00-${post.traceId}-${post.spanId}-01` });
    expect(placed.status).toBe(201);
    const orderId: string = placed.body.id;
    await myPage(alice, orderId, (r) => r.body.status === 'RECEIVED', 'RECEIVED');
    const placing = await traced(post, ['gateway', 'order', 'payment', 'ordermanagement', 'mileage']);
    expect(placing.find((sp) => sp.parentSpanId === post.spanId)).toMatchObject({ service: 'gateway', name: 'POST /orders' });
    expect(placing.map((sp) => `${sp.service} ${sp.name}`)).toEqual(
      expect.arrayContaining(['order POST /orders', 'order outbox write', 'order publish order.events.v1', 'payment process OrderPlaced', 'mileage process OrderPlaced', 'ordermanagement process PaymentApproved']),
    );

    const acceptance = clientSpan();
    const res = await call(gw, 'POST', `/store/orders/${orderId}/accept`, clerk, undefined, { traceparent: `00-${acceptance.traceId}-${acceptance.spanId}-01` });
    expect(res.status).toBe(200);
    await traced(acceptance, ['gateway', 'ordermanagement', 'delivery', 'message', 'order']);

    // A search by the tag orderId (Jaeger's "Tags" field) finds both: the spans naming the order are in these two traces.
    const tagged = spans.filter((sp) => sp.orderId === orderId);
    expect(new Set(tagged.map((sp) => sp.traceId))).toEqual(new Set([post.traceId, acceptance.traceId]));
    expect(tagged.map((sp) => `${sp.service} ${sp.name}`)).toEqual(expect.arrayContaining(['order outbox write', 'ordermanagement outbox write', 'delivery process OrderAccepted']));
  });

  it('a cart of three products checked out: one order of its lines at their prices, the cart empty, on to SHIPPING', async () => {
    const made = await Promise.all(
      [
        { name: 'Cart Dryer', category: 'laundry', price: 100_000, stock: 10 },
        { name: 'Cart Oven', category: 'kitchen', price: 250_000, salePrice: 200_000, stock: 10 },
        { name: 'Cart Fan', category: 'cooling', price: 30_000, stock: 10 },
      ].map((p) => call(gw, 'POST', '/products', clerk, p)),
    );
    expect(made.map((r) => r.status)).toEqual([201, 201, 201]);
    const ids: string[] = made.map((r) => r.body.id);
    const shopper = await newCustomer(gw, 'cart');
    for (const [i, productId] of ids.entries()) {
      const put = await eventually(
        `the order service to know product ${productId}`,
        () => call(gw, 'PUT', `/cart/items/${productId}`, shopper.token, { quantity: i + 1 }),
        (r) => !(r.status === 422 && r.body?.code === 'ORDER.UNKNOWN_PRODUCT'),
      );
      expect(put.status).toBe(200);
    }
    const cart = await get('/cart', shopper.token);
    expect(cart.body.items.map((l: { productId: string; quantity: number; unitPrice: number; available: boolean }) => [l.productId, l.quantity, l.unitPrice, l.available])).toEqual([
      [ids[0], 1, 100_000, true],
      [ids[1], 2, 200_000, true],
      [ids[2], 3, 30_000, true],
    ]);
    expect(cart.body.totalAmount).toBe(590_000);

    const checkout = { ...address, payment: { method: 'card', cardToken: 'tok_visa' } };
    const key = randomUUID();
    const placed = await call(gw, 'POST', '/cart/checkout', shopper.token, checkout, { 'idempotency-key': key });
    expect([placed.status, placed.body.status, placed.body.totalAmount]).toEqual([201, 'PENDING', 590_000]);
    expect(placed.body.items.map((l: { productId: string; quantity: number }) => [l.productId, l.quantity])).toEqual(ids.map((id, i) => [id, i + 1]));
    expect((await get('/cart', shopper.token)).body).toEqual({ items: [], totalAmount: 0 });
    expect(await call(gw, 'POST', '/cart/checkout', shopper.token, checkout, { 'idempotency-key': key })).toEqual(placed);
    const orderId: string = placed.body.id;

    await myPage(shopper, orderId, (r) => r.body.status === 'RECEIVED' && r.body.paymentStatus === 'APPROVED', 'RECEIVED and paid');
    expect((await get(`/payments/${orderId}`, shopper.token)).body).toMatchObject({ status: 'APPROVED', amount: 590_000 });
    expect(await Promise.all(ids.map(stockOf))).toEqual([9, 8, 7]);
    await accept(orderId);
    await myPage(shopper, orderId, (r) => r.body.status === 'SHIPPING' && r.body.deliveryStatus === 'STARTED', 'SHIPPING');
    await orderIs(shopper, orderId, 'SHIPPING');
    const empty = await call(gw, 'POST', '/cart/checkout', shopper.token, checkout);
    expect([empty.status, empty.body.code]).toEqual([409, 'CART.EMPTY']);
  });

  it('payment declined: REJECTED / PAYMENT_FAILED, stock unchanged, ORDER_REJECTED told', async () => {
    const before = await stockOf(product.id);
    const orderId = (await place(alice, product.id, 1, 'tok_decline')).body.id;
    const order = await orderIs(alice, orderId, 'REJECTED');
    expect(order.body.statusReason).toBe('PAYMENT_FAILED');
    expect((await get(`/payments/${orderId}`, alice.token)).body).toMatchObject({ status: 'FAILED', reason: 'CARD_DECLINED' });
    await messagesOf(alice, orderId, ['ORDER_REJECTED']);
    expect(await stockOf(product.id)).toBe(before);
  });

  it('out of stock: REJECTED / OUT_OF_STOCK, the charge refunded, stock still 1, ORDER_REJECTED told', async () => {
    const created = await call(gw, 'POST', '/products', clerk, { name: 'Last One Toaster', category: 'kitchen', price: 39_000, stock: 1 });
    expect(created.status).toBe(201);
    const orderId = (await place(alice, created.body.id, 2)).body.id;
    const order = await orderIs(alice, orderId, 'REJECTED');
    expect(order.body.statusReason).toBe('OUT_OF_STOCK');
    await paymentIs(alice, orderId, 'REFUNDED');
    await messagesOf(alice, orderId, ['ORDER_REJECTED']);
    expect(await stockOf(created.body.id)).toBe(1);
  });

  it('20 orders at once for the last 5 units: 5 RECEIVED, 15 REJECTED / OUT_OF_STOCK and refunded, stock 0', async () => {
    const created = await call(gw, 'POST', '/products', clerk, { name: 'Last Five Kettle', category: 'kitchen', price: 25_000, stock: 5 });
    expect(created.status).toBe(201);
    const productId: string = created.body.id;
    const customers = await Promise.all([1, 2, 3, 4, 5].map((n) => newCustomer(gw, `rush${n}`)));
    await orderServiceKnows(productId);

    const placed = await Promise.all(
      Array.from({ length: 20 }, (_, i) => customers[i % customers.length]).map(async (customer) => ({
        customer,
        res: await call(gw, 'POST', '/orders', customer.token, orderOf([{ productId, quantity: 1 }])),
      })),
    );
    expect(placed.map(({ res }) => [res.status, res.body.status])).toEqual(Array(20).fill([201, 'PENDING']));
    const orders = placed.map(({ customer, res }) => ({ customer, id: res.body.id as string }));

    const settled = await Promise.all(
      orders.map(({ customer, id }) =>
        eventually(`order ${id} to be decided by the store`, () => get(`/orders/${id}`, customer.token), (r) => ['RECEIVED', 'REJECTED'].includes(r.body?.status)),
      ),
    );
    expect(settled.map((r) => `${r.body.status} ${r.body.statusReason}`).sort()).toEqual([
      ...Array(5).fill('RECEIVED null'),
      ...Array(15).fill('REJECTED OUT_OF_STOCK'),
    ]);
    const storeSide = await everything<{ orderId: string; status: string }>('/store/orders', clerk, 'orders');
    const ids = new Set(orders.map((o) => o.id));
    expect(storeSide.filter((o) => ids.has(o.orderId)).map((o) => o.status).sort()).toEqual([...Array(15).fill('OUT_OF_STOCK'), ...Array(5).fill('RECEIVED')]);
    expect(await stockOf(productId)).toBe(0);

    await Promise.all(
      orders.map(async ({ customer, id }, i) => {
        const received = settled[i].body.status === 'RECEIVED';
        const payment = received ? 'APPROVED' : 'REFUNDED';
        await paymentIs(customer, id, payment);
        await myPage(customer, id, (r) => r.body.status === settled[i].body.status && r.body.paymentStatus === payment, `${settled[i].body.status} with payment ${payment}`);
      }),
    );
    expect(await stockOf(productId)).toBe(0);
  });

  describe('the customer cancels', () => {
    it('at once after placing: CANCELED, any charge refunded, stock as before, no delivery', async () => {
      const before = await stockOf(product.id);
      const orderId = (await place(alice, product.id, 3)).body.id;
      const cancel = await call(gw, 'POST', `/orders/${orderId}/cancel`, alice.token);
      expect([cancel.status, cancel.body]).toEqual([202, { id: orderId, status: 'CANCELING' }]);
      await orderIs(alice, orderId, 'CANCELED');
      const payment = await get(`/payments/${orderId}`, alice.token);
      // Canceled before the charge: no payment to show (404); charged first: refunded.
      expect(payment.status === 404 ? 'never charged' : payment.body.status).toMatch(/^(never charged|REFUNDED)$/);
      expect((await get(`/deliveries/${orderId}`, alice.token)).status).toBe(404);
      // A PaymentApproved, if there was one, is published by now: once the store has handled it, the stock is final.
      await handledSoFar(shop, 'ordermanagement', PaymentApproved.topic);
      expect(await stockOf(product.id)).toBe(before);
    });

    it('before the payment service charges: the store learns of the cancel first and never reserves; CANCELED, refunded', async () => {
      const before = await stockOf(product.id);
      // The payment service stalls, so the cancel reaches the store before any PaymentApproved can exist.
      const orderId = await whilePaused(shop, 'payment', async () => {
        const id: string = (await place(alice, product.id, 2)).body.id;
        const cancel = await call(gw, 'POST', `/orders/${id}/cancel`, alice.token);
        expect([cancel.status, cancel.body]).toEqual([202, { id, status: 'CANCELING' }]);
        const storeOrder = await eventually(
          `the store to have recorded the cancel of ${id}`,
          async () => (await everything<{ orderId: string }>('/store/orders?status=CANCELED', clerk, 'orders')).find((o) => o.orderId === id),
          (o) => o !== undefined,
          15_000,
        );
        expect(storeOrder).toMatchObject({ orderId: id, status: 'CANCELED', items: [] });
        // Confirmed by the store, but the payment is not settled: the order waits.
        expect((await get(`/orders/${id}`, alice.token)).body.status).toBe('CANCELING');
        return id;
      });

      // Resumed, the payment service charges (OrderPlaced comes first on the order's partition), then refunds.
      const page = await canceledAndRefundedWithStock(orderId, before);
      const storeOrders = await everything<{ orderId: string; status: string }>('/store/orders', clerk, 'orders');
      expect(storeOrders.filter((o) => o.orderId === orderId).map((o) => o.status)).toEqual(['CANCELED']);
      expect(page.body.history.map((h: { eventType: string }) => h.eventType)).toEqual(
        expect.arrayContaining(['OrderPlaced', 'OrderCanceled', 'StoreOrderCanceled', 'PaymentApproved', 'PaymentRefunded']),
      );
    });

    it('once PAID, before the store has it: CANCELED, refunded, stock as before, no delivery, ORDER_CANCELED told', async () => {
      // Read while the store answers: stopped, it answers nothing.
      const before = await stockOf(product.id);
      // The store stalls, so the order stays PAID (the store would make it RECEIVED at once).
      const orderId = await whilePaused(shop, 'ordermanagement', async () => {
        const id: string = (await place(alice, product.id, 2)).body.id;
        await eventually(`order ${id} to be PAID`, () => get(`/orders/${id}`, alice.token), (r) => r.body?.status === 'PAID', 15_000);
        const cancel = await call(gw, 'POST', `/orders/${id}/cancel`, alice.token);
        expect([cancel.status, cancel.body]).toEqual([202, { id, status: 'CANCELING' }]);
        return id;
      });

      // PaymentApproved and OrderCanceled reach the store in either order.
      await canceledAndRefundedWithStock(orderId, before);
    });

    it('right after the clerk accepted: CANCELED, refunded, stock restored, no delivery under way', async () => {
      const before = await stockOf(product.id);
      const orderId = (await place(alice, product.id, 2)).body.id;
      await myPage(alice, orderId, (r) => r.body.status === 'RECEIVED', 'RECEIVED');
      expect(await stockOf(product.id)).toBe(before - 2);
      await accept(orderId);
      expect((await call(gw, 'POST', `/orders/${orderId}/cancel`, alice.token)).status).toBe(202);
      await orderIs(alice, orderId, 'CANCELED');
      await paymentIs(alice, orderId, 'REFUNDED');
      const delivery = await get(`/deliveries/${orderId}`, alice.token);
      // The cancel may reach the delivery service before or after the acceptance started one.
      expect(delivery.status === 404 ? 'never started' : delivery.body.status).toMatch(/^(never started|CANCELED)$/);
      expect(await stockOf(product.id)).toBe(before);
      await messagesOf(alice, orderId, ['ORDER_CANCELED']);
    });

    it('while SHIPPING: CANCELED, refunded, stock restored, delivery CANCELED', async () => {
      const before = await stockOf(product.id);
      const orderId = (await place(alice, product.id, 1)).body.id;
      await myPage(alice, orderId, (r) => r.body.status === 'RECEIVED', 'RECEIVED');
      await accept(orderId);
      await myPage(alice, orderId, (r) => r.body.status === 'SHIPPING', 'SHIPPING');
      expect((await call(gw, 'POST', `/orders/${orderId}/cancel`, alice.token)).status).toBe(202);
      await orderIs(alice, orderId, 'CANCELED');
      await paymentIs(alice, orderId, 'REFUNDED');
      expect((await get(`/deliveries/${orderId}`, alice.token)).body).toMatchObject({ orderId, status: 'CANCELED' });
      expect(await stockOf(product.id)).toBe(before);
      await messagesOf(alice, orderId, ['DELIVERY_STARTED', 'DELIVERY_CANCELED', 'ORDER_CANCELED']);
    });

    it('when the refund fails: CANCELED, myPage paymentStatus REFUND_FAILED', async () => {
      const orderId = (await place(alice, product.id, 1, 'tok_refund_fail')).body.id;
      await myPage(alice, orderId, (r) => r.body.status === 'RECEIVED', 'RECEIVED');
      expect((await call(gw, 'POST', `/orders/${orderId}/cancel`, alice.token)).status).toBe(202);
      await myPage(alice, orderId, (r) => r.body.status === 'CANCELED' && r.body.paymentStatus === 'REFUND_FAILED', 'CANCELED with a failed refund');
      expect((await get(`/orders/${orderId}`, alice.token)).body.status).toBe('CANCELED');
      expect((await get(`/payments/${orderId}`, alice.token)).body.status).toBe('REFUND_FAILED');
    });
  });

  describe('points (mileage)', () => {
    type Entry = { type: string; reason: string; points: number; orderId: string | null };
    const walletOf = async (customer: Customer) => {
      const res = await get('/mileage', customer.token);
      expect(res.status).toBe(200);
      return res.body as { balance: number; history: Entry[]; nextCursor: string | null };
    };
    const balanceIs = (customer: Customer, balance: number, what: string) =>
      eventually(`the wallet to hold ${balance} points (${what})`, () => walletOf(customer), (w) => w.balance === balance);
    /** A new customer whose welcome points are in the wallet. */
    const welcomed = async (label: string) => {
      const customer = await newCustomer(gw, label);
      await balanceIs(customer, 5000, 'welcome');
      return customer;
    };
    const placeWithPoints = async (customer: Customer, pointsToUse: number, quantity = 1, productId = product.id) => {
      const res = await eventually(
        `the order service to know product ${productId}`,
        () => call(gw, 'POST', '/orders', customer.token, { ...orderOf([{ productId, quantity }]), pointsToUse }),
        (r) => !(r.status === 422 && r.body?.code === 'ORDER.UNKNOWN_PRODUCT'),
      );
      expect([res.status, res.body.status, res.body.pointsUsed, res.body.amountDue]).toEqual([201, 'PENDING', pointsToUse, res.body.totalAmount - pointsToUse]);
      return res.body as { id: string; totalAmount: number; amountDue: number };
    };

    it('a new customer gets 5,000 welcome points, once', async () => {
      const carol = await welcomed('carol');
      const wallet = await walletOf(carol);
      expect(wallet).toEqual({ balance: 5000, history: [expect.objectContaining({ type: 'EARNED', reason: 'WELCOME', points: 5000, orderId: null })], nextCursor: null });
    });

    it('an order paid partly with points: charged amountDue, DELIVERED, 1 % of the charge earned, myPage shows both', async () => {
      const dan = await welcomed('dan');
      const order = await placeWithPoints(dan, 3000, 2);
      expect(order.amountDue).toBe(2 * (product.salePrice ?? product.price) - 3000);
      await myPage(dan, order.id, (r) => r.body.status === 'RECEIVED', 'RECEIVED');
      expect((await get(`/payments/${order.id}`, dan.token)).body).toMatchObject({ status: 'APPROVED', amount: order.amountDue });
      await balanceIs(dan, 2000, 'points reserved');
      await accept(order.id);
      await myPage(dan, order.id, (r) => r.body.status === 'SHIPPING', 'SHIPPING');
      expect((await call(gw, 'POST', `/deliveries/${order.id}/complete`, clerk)).status).toBe(200);
      await orderIs(dan, order.id, 'DELIVERED');

      const earned = Math.floor(order.amountDue / 100);
      await balanceIs(dan, 2000 + earned, 'points earned');
      expect((await walletOf(dan)).history).toEqual([
        expect.objectContaining({ type: 'EARNED', reason: 'ORDER', points: earned, orderId: order.id }),
        expect.objectContaining({ type: 'USED', points: 3000, orderId: order.id }),
        expect.objectContaining({ type: 'EARNED', reason: 'WELCOME', points: 5000, orderId: null }),
      ]);
      const page = await myPage(dan, order.id, (r) => r.body.status === 'DELIVERED' && r.body.pointsEarned === earned, 'DELIVERED with the points earned');
      expect(page.body).toMatchObject({ pointsUsed: 3000, pointsEarned: earned, totalAmount: order.totalAmount });
      expect((await get(`/orders/${order.id}`, dan.token)).body).toMatchObject({ status: 'DELIVERED', pointsUsed: 3000, amountDue: order.amountDue });
    });

    it('too few points: REJECTED / POINTS_UNAVAILABLE, nothing charged, no stock taken, the points untouched', async () => {
      const erin = await welcomed('erin');
      const before = await stockOf(product.id);
      const order = await placeWithPoints(erin, 6000);
      const rejected = await orderIs(erin, order.id, 'REJECTED');
      expect(rejected.body).toMatchObject({ statusReason: 'POINTS_UNAVAILABLE', pointsUsed: 6000 });
      await myPage(erin, order.id, (r) => r.body.status === 'REJECTED' && r.body.paymentStatus === 'NONE', 'REJECTED, never paid');
      const payment = await get(`/payments/${order.id}`, erin.token);
      expect(payment.status === 404 ? 'no payment' : payment.body.status).not.toMatch(/APPROVED|REFUNDED/);
      await handledSoFar(shop, 'ordermanagement', PaymentApproved.topic);
      expect(await stockOf(product.id)).toBe(before);
      expect((await get(`/deliveries/${order.id}`, erin.token)).status).toBe(404);
      expect(await walletOf(erin)).toEqual({ balance: 5000, history: [expect.objectContaining({ reason: 'WELCOME' })], nextCursor: null });
    });

    const pointsAndMoneyBack = async (customer: Customer, orderId: string) => {
      await orderIs(customer, orderId, 'CANCELED');
      // CANCELED waits for the points: they are back by now.
      expect((await walletOf(customer)).balance).toBe(5000);
      await paymentIs(customer, orderId, 'REFUNDED');
      expect((await walletOf(customer)).history.slice(0, 2)).toEqual([
        expect.objectContaining({ type: 'RELEASED', points: 2500, orderId }),
        expect.objectContaining({ type: 'USED', points: 2500, orderId }),
      ]);
      await myPage(customer, orderId, (r) => r.body.status === 'CANCELED' && r.body.paymentStatus === 'REFUNDED' && r.body.pointsUsed === 2500, 'CANCELED and refunded');
    };

    it('canceled while the charge waits for the points: CANCELED, nothing ever charged (PaymentVoided), the points back', async () => {
      const kim = await welcomed('kim');
      // Mileage stalls, so payment holds the order without a charge when the cancel comes.
      const orderId = await whilePaused(shop, 'mileage', async () => {
        const { id } = await placeWithPoints(kim, 2000);
        expect((await call(gw, 'POST', `/orders/${id}/cancel`, kim.token)).status).toBe(202);
        await eventually(`the cancel of ${id} to reach the store`, () => get(`/mypage/orders/${id}`, kim.token), (r) => r.body?.history?.some((h: { eventType: string }) => h.eventType === 'PaymentVoided'));
        // Payment and store are settled; the points are not back yet: the order waits.
        expect((await get(`/orders/${id}`, kim.token)).body.status).toBe('CANCELING');
        return id;
      });
      await orderIs(kim, orderId, 'CANCELED');
      expect((await get(`/payments/${orderId}`, kim.token)).status).toBe(404);
      expect((await walletOf(kim)).balance).toBe(5000);
      await myPage(kim, orderId, (r) => r.body.status === 'CANCELED' && r.body.paymentStatus === 'NONE', 'CANCELED, never paid');
      await messagesOf(kim, orderId, ['ORDER_CANCELED']);
    });

    it('canceled once PAID: the points and the money come back', async () => {
      const fay = await welcomed('fay');
      const orderId = await whilePaused(shop, 'ordermanagement', async () => {
        const { id } = await placeWithPoints(fay, 2500);
        await orderIs(fay, id, 'PAID');
        await balanceIs(fay, 2500, 'points reserved');
        expect((await call(gw, 'POST', `/orders/${id}/cancel`, fay.token)).status).toBe(202);
        return id;
      });
      await pointsAndMoneyBack(fay, orderId);
    });

    it('canceled while SHIPPING: the points and the money come back, the delivery canceled', async () => {
      const gus = await welcomed('gus');
      const { id } = await placeWithPoints(gus, 2500);
      await myPage(gus, id, (r) => r.body.status === 'RECEIVED', 'RECEIVED');
      await accept(id);
      await myPage(gus, id, (r) => r.body.status === 'SHIPPING', 'SHIPPING');
      expect((await call(gw, 'POST', `/orders/${id}/cancel`, gus.token)).status).toBe(202);
      await pointsAndMoneyBack(gus, id);
      expect((await get(`/deliveries/${id}`, gus.token)).body).toMatchObject({ status: 'CANCELED' });
    });

    it('20 orders of one customer at once, 1,000 points each, from 5,000: exactly 5 go on, 15 REJECTED / POINTS_UNAVAILABLE, never overdrawn', async () => {
      const hal = await welcomed('hal');
      const placed = await Promise.all(Array.from({ length: 20 }, () => placeWithPoints(hal, 1000)));
      const settled = await Promise.all(
        placed.map(({ id }) =>
          eventually(`order ${id} to be past PENDING`, () => get(`/orders/${id}`, hal.token), (r) => ['RECEIVED', 'REJECTED'].includes(r.body?.status)),
        ),
      );
      expect(settled.map((r) => `${r.body.status} ${r.body.statusReason}`).sort()).toEqual([...Array(5).fill('RECEIVED null'), ...Array(15).fill('REJECTED POINTS_UNAVAILABLE')]);
      const wallet = await walletOf(hal);
      expect(wallet.balance).toBe(0);
      expect(wallet.history.filter((e) => e.type === 'USED').map((e) => e.orderId).sort()).toEqual(settled.filter((r) => r.body.status === 'RECEIVED').map((r) => r.body.id).sort());
      const payments = await Promise.all(placed.map(({ id }) => get(`/payments/${id}`, hal.token)));
      expect(payments.filter((p) => p.status === 200 && p.body.status === 'APPROVED')).toHaveLength(5);
    });
  });

  it('GET /messages walks 120 messages without a gap or a repeat while new ones arrive', async () => {
    const ivy = await newCustomer(gw, 'ivy');
    const decline = () => call(gw, 'POST', '/orders', ivy.token, orderOf([{ productId: product.id, quantity: 1 }], 'tok_decline'));
    // 119 declined orders, each told as ORDER_REJECTED, and the WELCOME message: 120.
    for (let i = 0; i < 119; i += 17) expect((await Promise.all(Array.from({ length: Math.min(17, 119 - i) }, decline))).map((r) => r.status)).toEqual(Array(Math.min(17, 119 - i)).fill(201));
    const all = await eventually(
      'the 120 messages',
      async () => (await walkPages<{ id: string }>((p) => get(p, ivy.token), '/messages', 'messages', { limit: 200 })).rows,
      (rows) => rows.length === 120,
    );
    // Walked 7 at a time while 10 more orders are declined: every one of the 120 exactly once, newer ones only at the front.
    const walk = await walkPages<{ id: string; createdAt: string }>((p) => get(p, ivy.token), '/messages', 'messages', {
      limit: 7,
      between: (page) => (page <= 10 ? decline() : Promise.resolve()),
    });
    const ids = walk.rows.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => all.some((m) => m.id === id))).toEqual(all.map((m) => m.id));
    expect(walk.pages.slice(0, -1).every((n) => n === 7)).toBe(true);
  });

  it('pages every list through the gateway: GET /orders, /messages, /mypage and /store/orders, newest first, to nextCursor null; a bad limit or cursor is 400', async () => {
    const orders = await everything<{ id: string; createdAt: string }>('/orders', alice.token, 'orders');
    expect(orders.length).toBeGreaterThan(5);
    expect(orders.map((o) => o.id)).toContain(delivered);
    expect(orders.map((o) => o.createdAt)).toEqual(orders.map((o) => o.createdAt).sort().reverse());
    for (const [path, key, token] of [
      ['/orders', 'orders', alice.token],
      ['/messages', 'messages', alice.token],
      ['/mypage', 'orders', alice.token],
      ['/store/orders', 'orders', clerk],
      ['/mileage', 'history', alice.token],
    ] as const) {
      const idsOf = async (limit: number) => (await walkPages<{ id?: string; orderId?: string }>((p) => get(p, token), path, key, { limit })).rows.map((r) => r.id ?? r.orderId);
      const whole = await idsOf(200);
      const paged = await idsOf(2);
      // Late events may still add messages, or move a myPage row to the top (it sorts by its last change): never twice.
      expect([path, paged.length]).toEqual([path, new Set(paged).size]);
      const stillThere = path === '/mypage' ? whole.filter((id) => paged.includes(id)) : whole;
      expect([path, paged.filter((id) => whole.includes(id))]).toEqual([path, stillThere]);
      expect([path, (await get(`${path}?limit=201`, token)).body]).toEqual([path, expect.objectContaining({ statusCode: 400, code: 'REQUEST.VALIDATION_FAILED' })]);
    }
    for (const [path, code, token] of [
      ['/orders', 'ORDER.INVALID_CURSOR', alice.token],
      ['/messages', 'MESSAGE.INVALID_CURSOR', alice.token],
      ['/mypage', 'MYPAGE.INVALID_CURSOR', alice.token],
      ['/store/orders', 'STORE.INVALID_CURSOR', clerk],
      ['/mileage', 'MILEAGE.INVALID_CURSOR', alice.token],
    ] as const) {
      expect([path, (await get(`${path}?before=bm9wZQ`, token)).body]).toEqual([path, expect.objectContaining({ statusCode: 400, code })]);
    }
  });

  it("another customer sees none of the first customer's order: 404 everywhere", async () => {
    const bob = await newCustomer(gw, 'bob');
    for (const path of [`/orders/${delivered}`, `/payments/${delivered}`, `/deliveries/${delivered}`, `/mypage/orders/${delivered}`]) {
      expect([path, (await get(path, bob.token)).status]).toEqual([path, 404]);
    }
    expect((await get(`/orders/${delivered}`, alice.token)).status).toBe(200);
  });
});
