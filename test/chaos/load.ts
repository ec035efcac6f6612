/**
 * The customers of a chaos run: they place orders through the gateway at a steady rate, cancel some, and the store
 * clerk completes some deliveries. Like real clients they retry what got no answer or a 5xx (with the same
 * Idempotency-Key for an order), so every order the shop accepted is known here with what should become of it.
 */
import { randomUUID } from 'node:crypto';
import { WELCOME_POINTS } from '@homestore/events';
import { Answer, call, logIn, newCustomer, Shop } from '../e2e/shop';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An order the shop accepted (201), and what its client did with it. */
export interface PlacedOrder {
  id: string;
  customerId: string;
  totalAmount: number;
  /** Points it spends (0 for most): the load never spends more than a wallet's welcome points, so none is refused. */
  pointsUsed: number;
  items: { productId: string; quantity: number }[];
  cardToken: 'tok_ok' | 'tok_decline' | 'tok_refund_fail';
  /** The customer's cancel was accepted (202). */
  canceled: boolean;
  /** The clerk completed its delivery (200). */
  completed: boolean;
}

/** A customer of the load (signed up through the gateway), who can look at its own orders and wallet. */
export interface Customer {
  id: string;
  token: string;
}

export interface Catalog {
  products: { id: string; price: number; stock: number }[];
}

/**
 * Repeats `request` until it answers without a 5xx or 429 (or `deadline` passes): a client's retry after no answer.
 * `alsoRetry` names other answers worth another try.
 */
async function retried(request: () => Promise<Answer>, deadline: number, alsoRetry: (a: Answer) => boolean = () => false): Promise<Answer | undefined> {
  for (let wait = 200; Date.now() < deadline; wait = Math.min(2000, wait * 2)) {
    try {
      const answer = await request();
      if (answer.status < 500 && answer.status !== 429 && !alsoRetry(answer)) return answer;
    } catch {
      // no answer (connection refused or reset): the same request again
    }
    await sleep(wait);
  }
  return undefined;
}

/** A pseudo-random sequence (the same run for the same seed). */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The clerk's products, with stock enough for the whole run (stock is checked to be conserved, not run out). */
export async function stockTheShop(shop: Shop, count: number, stock: number): Promise<{ catalog: Catalog; clerkToken: string }> {
  const clerkToken = await logIn(shop.gateway, shop.clerk.email, shop.clerk.password);
  const products = [];
  for (let i = 0; i < count; i++) {
    const price = 100_000 * (i + 1);
    const created = await call(shop.gateway, 'POST', '/products', clerkToken, { name: `Chaos appliance ${i + 1}`, category: 'chaos', price, stock });
    if (created.status !== 201) throw new Error(`product: ${created.status} ${JSON.stringify(created.body)}`);
    products.push({ id: created.body.id as string, price, stock });
  }
  return { catalog: { products }, clerkToken };
}

export interface LoadOptions {
  ratePerSecond: number;
  /** The load lasts at least this long, and then as long as `goOn` says. */
  seconds: number;
  goOn: () => boolean;
  seed: number;
}

/** The customers of a run, signed up through the gateway one after the other (a signup hashes a password, dear on two cores). */
export async function signUpCustomers(shop: Shop, count: number): Promise<Customer[]> {
  const customers: Customer[] = [];
  for (let i = 0; i < count; i++) customers.push(await newCustomer(shop.gateway, 'chaos'));
  return customers;
}

/**
 * The customers place orders at the rate for as long as told, and do what each client does with its order; resolves
 * once every client is done (each retries until its deadline, well after the load ends). Answers the orders the shop
 * accepted.
 */
export async function drive(
  shop: Shop,
  catalog: Catalog,
  clerkToken: string,
  customers: Customer[],
  options: LoadOptions,
  stopRetryingAt: () => number,
): Promise<PlacedOrder[]> {
  const next = random(options.seed);
  const placed: PlacedOrder[] = [];
  // Points each customer's orders may spend in all, canceled or not: never more than the welcome points.
  const budget = new Map(customers.map((c) => [c.id, WELCOME_POINTS]));
  const clients: Promise<void>[] = [];
  const started = Date.now();
  for (let sent = 0; sent < options.ratePerSecond * options.seconds || options.goOn(); sent++) {
    const due = started + (sent * 1000) / options.ratePerSecond;
    if (due > Date.now()) await sleep(due - Date.now());
    const customer = customers[Math.floor(next() * customers.length)];
    const product = catalog.products[Math.floor(next() * catalog.products.length)];
    const quantity = 1 + Math.floor(next() * 2);
    const roll = next();
    const cardToken = roll < 0.1 ? 'tok_decline' : roll < 0.15 ? 'tok_refund_fail' : 'tok_ok';
    const cancel = next() < 0.15;
    const complete = !cancel && next() < 0.3;
    const cancelAfterMs = Math.floor(next() * 3000);
    const wanted = next() < 0.3 ? 10 + Math.floor(next() * 90) : 0;
    const pointsToUse = wanted <= budget.get(customer.id)! ? wanted : 0;
    budget.set(customer.id, budget.get(customer.id)! - pointsToUse);
    clients.push(
      (async () => {
        const key = randomUUID();
        const body = { items: [{ productId: product.id, quantity }], deliveryAddress: 'Seoul, Gangnam-gu', deliveryPhone: '010-1234-5678', payment: { method: 'card', cardToken }, pointsToUse };
        // 422 ORDER.UNKNOWN_PRODUCT while the order service's replica has not yet heard of the product.
        const unknownYet = (a: Answer) => a.status === 422 && a.body?.code === 'ORDER.UNKNOWN_PRODUCT';
        const answer = await retried(() => call(shop.gateway, 'POST', '/orders', customer.token, body, { 'idempotency-key': key }), stopRetryingAt(), unknownYet);
        if (answer?.status !== 201) return; // never accepted: nothing to expect of it
        const order: PlacedOrder = {
          id: answer.body.id,
          customerId: customer.id,
          totalAmount: answer.body.totalAmount,
          pointsUsed: pointsToUse,
          items: [{ productId: product.id, quantity }],
          cardToken,
          canceled: false,
          completed: false,
        };
        placed.push(order);
        if (cancel) {
          await sleep(cancelAfterMs);
          const canceled = await retried(() => call(shop.gateway, 'POST', `/orders/${order.id}/cancel`, customer.token), stopRetryingAt());
          order.canceled = canceled?.status === 202;
        } else if (complete && cardToken !== 'tok_decline') {
          // The clerk completes the delivery once it has started.
          for (let wait = 500; Date.now() < stopRetryingAt(); wait = Math.min(3000, wait * 2)) {
            const done = await retried(() => call(shop.gateway, 'POST', `/deliveries/${order.id}/complete`, clerkToken), stopRetryingAt());
            if (done?.status === 200) {
              order.completed = true;
              break;
            }
            await sleep(wait);
          }
        }
      })(),
    );
  }
  await Promise.all(clients);
  return placed;
}
