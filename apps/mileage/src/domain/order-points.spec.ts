import { OrderEnding, OrderPoints, PointsChange } from './order-points';
import { Wallet } from './wallet';

const CUSTOMER = '5f0c8a52-3c1e-4d55-9a1b-6c9f1e2d3a41';
let next = 0;
const anOrderId = () => `0b7e3c9a-8f4d-4c2e-9b1a-${String(++next).padStart(12, '0')}`;

const aWallet = (balance = 5000) => Wallet.restore({ customerId: CUSTOMER, balance });
const anOrder = (orderId = anOrderId()) => OrderPoints.seen(orderId, CUSTOMER);

/** One thing mileage hears of an order, told to its points against the wallet. */
type Fact = (order: OrderPoints, wallet: Wallet) => PointsChange;
const placed = (points: number): Fact => (o, w) => o.placed(points, w);
const ended = (how: OrderEnding): Fact => (o, w) => o.ended(how, w);
const charged = (amount: number): Fact => (o, w) => o.charged(amount, w);
const delivered: Fact = (o, w) => o.delivered(w);

/** Tells the order these facts in this order: answers what the wallet announced (types, points) and the balance after. */
function told(facts: Fact[], order = anOrder(), wallet = aWallet()) {
  const announced = facts.map((fact) => fact(order, wallet)?.fact).filter((f) => !!f);
  return { order, wallet, announced: announced.map((f) => [f.type, f.points]), balance: wallet.snapshot.balance };
}

/** Every order of the items. */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('OrderPoints', () => {
  it('reserves the points a placed order spends: PointsReserved, RESERVED', () => {
    const order = anOrder();
    const wallet = aWallet();
    expect(order.placed(1500, wallet)).toEqual({ fact: { type: 'PointsReserved', orderId: order.snapshot.orderId, points: 1500, balance: 3500 } });
    expect(order.snapshot).toMatchObject({ pointsUsed: 1500, reservation: 'RESERVED', ended: null });
  });

  it('is refused when the wallet holds too few: PointsReservationFailed, REFUSED, the balance untouched', () => {
    const { order, announced, balance } = told([placed(5001)]);
    expect(announced).toEqual([['PointsReservationFailed', 5001]]);
    expect(order.snapshot.reservation).toBe('REFUSED');
    expect(balance).toBe(5000);
  });

  it('an order that spends no points touches nothing, also when it ends', () => {
    const { order, announced, balance, wallet } = told([placed(0), ended('CANCELED')]);
    expect(announced).toEqual([]);
    expect(order.snapshot).toMatchObject({ pointsUsed: 0, reservation: 'NONE', ended: 'CANCELED' });
    expect(balance).toBe(5000);
    expect(wallet.newEntries).toEqual([]);
  });

  it('never takes the balance below 0 across several orders of one wallet; points given back can be spent again', () => {
    const wallet = aWallet(5000);
    const [a, b, c, d, e] = [anOrder(), anOrder(), anOrder(), anOrder(), anOrder()];
    expect(a.placed(2000, wallet)?.fact?.type).toBe('PointsReserved');
    expect(b.placed(2000, wallet)?.fact?.type).toBe('PointsReserved');
    expect(c.placed(2000, wallet)?.fact).toMatchObject({ type: 'PointsReservationFailed', balance: 1000 });
    expect(d.placed(1000, wallet)?.fact).toMatchObject({ type: 'PointsReserved', balance: 0 });
    expect(e.placed(1, wallet)?.fact).toMatchObject({ type: 'PointsReservationFailed', balance: 0 });
    expect(a.ended('REJECTED', wallet)?.fact).toMatchObject({ type: 'PointsReleased', points: 2000, balance: 2000 });
    expect(c.ended('CANCELED', wallet)?.fact).toBeNull(); // refused: nothing to give back
    expect(anOrder().placed(2000, wallet)?.fact).toMatchObject({ type: 'PointsReserved', balance: 0 });
    expect(wallet.newEntries.map((line) => line.balance)).toEqual([3000, 1000, 0, 2000, 0]);
  });

  it.each<[OrderEnding, string]>([
    ['REJECTED', 'ORDER_REJECTED'],
    ['CANCELED', 'ORDER_CANCELED'],
  ])('gives the points back once when the order ends %s (PointsReleased %s), however many ends follow', (how, cause) => {
    const order = anOrder();
    const wallet = aWallet();
    order.placed(1500, wallet);
    expect(order.ended(how, wallet)).toEqual({ fact: { type: 'PointsReleased', orderId: order.snapshot.orderId, points: 1500, balance: 5000, cause } });
    expect(order.ended('REJECTED', wallet)).toBeNull();
    expect(order.ended('CANCELED', wallet)).toBeNull();
    expect(order.snapshot).toMatchObject({ reservation: 'RELEASED', ended: how });
    expect(wallet.snapshot.balance).toBe(5000);
    expect(wallet.newEntries.map((line) => [line.type, line.reason])).toEqual([
      ['USED', 'ORDER'],
      ['RELEASED', cause],
    ]);
  });

  it.each<OrderEnding>(['REJECTED', 'CANCELED'])('never reserves for an order that ended (%s) before mileage saw it placed', (how) => {
    const { order, announced, balance } = told([ended(how), placed(1500), ended('CANCELED')]);
    expect(announced).toEqual([]);
    expect(order.snapshot).toMatchObject({ pointsUsed: 1500, reservation: 'NONE', ended: how });
    expect(balance).toBe(5000);
  });

  it('earns floor(1 %) of the charge on delivery, once, whichever of the charge and the delivery comes first', () => {
    for (const facts of permutations([placed(1000), charged(5_980_099), delivered])) {
      const { order, announced, balance } = told([...facts, ...facts]);
      expect(announced.sort()).toEqual([
        ['PointsEarned', 59_800],
        ['PointsReserved', 1000],
      ]);
      expect(balance).toBe(5000 - 1000 + 59_800);
      expect(order.snapshot).toMatchObject({ amountCharged: 5_980_099, delivered: true, pointsEarned: 59_800 });
    }
    const order = anOrder();
    const wallet = aWallet();
    order.charged(12_345, wallet);
    expect(order.delivered(wallet)).toEqual({ fact: { type: 'PointsEarned', reason: 'ORDER', points: 123, balance: 5123, orderId: order.snapshot.orderId } });
  });

  it('earns nothing, and announces nothing, when 1 % of the charge rounds down to 0', () => {
    for (const facts of permutations([charged(99), delivered])) {
      const { order, announced, balance } = told([...facts, delivered, charged(99)]);
      expect(announced).toEqual([]);
      expect(balance).toBe(5000);
      expect(order.snapshot.pointsEarned).toBe(0);
    }
  });

  it('earns nothing on an order that ended, whatever came before the end; points taken before it came back', () => {
    const [place, charge, end] = [placed(700), charged(1_000_000), ended('REJECTED')];
    for (const facts of permutations([place, charge, end])) {
      const { announced, balance, order } = told([...facts, delivered]);
      expect(announced).toEqual(facts.indexOf(place) < facts.indexOf(end) ? [['PointsReserved', 700], ['PointsReleased', 700]] : []);
      expect(balance).toBe(5000);
      expect(order.snapshot.pointsEarned).toBeNull();
    }
  });

  it('changes nothing when a fact it holds arrives again (a redelivery, or the same fact by another path)', () => {
    const order = anOrder();
    const wallet = aWallet();
    order.placed(1000, wallet);
    order.charged(300_000, wallet);
    order.delivered(wallet);
    const before = { order: { ...order.snapshot }, wallet: { ...wallet.snapshot }, lines: wallet.newEntries.length };
    for (const again of [placed(1000), placed(2000), charged(300_000), charged(900_000), delivered]) expect(again(order, wallet)).toBeNull();
    expect({ order: order.snapshot, wallet: wallet.snapshot, lines: wallet.newEntries.length }).toEqual(before);
  });

  it("refuses another customer's wallet", () => {
    const other = Wallet.restore({ customerId: 'aaaaaaaa-3c1e-4d55-9a1b-6c9f1e2d3a41', balance: 5000 });
    expect(() => anOrder().placed(10, other)).toThrow(/not in the wallet/);
  });

  it('restores the state it was saved with', () => {
    const { order } = told([placed(10), charged(5000), delivered]);
    expect(OrderPoints.restore(order.snapshot).snapshot).toEqual(order.snapshot);
  });
});
