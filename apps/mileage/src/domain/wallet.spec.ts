import { WELCOME_POINTS } from '@homestore/events';
import { Wallet } from './wallet';

const CUSTOMER = '5f0c8a52-3c1e-4d55-9a1b-6c9f1e2d3a41';
const ORDER = '0b7e3c9a-8f4d-4c2e-9b1a-2d3e4f5a6b7c';

describe('Wallet', () => {
  it('opens with the welcome points: PointsEarned WELCOME, one EARNED line without an order', () => {
    const { wallet, fact } = Wallet.open(CUSTOMER);
    expect(WELCOME_POINTS).toBe(5000);
    expect(fact).toEqual({ type: 'PointsEarned', reason: 'WELCOME', points: 5000, balance: 5000 });
    expect(wallet.snapshot).toEqual({ customerId: CUSTOMER, balance: 5000 });
    expect(wallet.newEntries).toEqual([{ type: 'EARNED', reason: 'WELCOME', points: 5000, orderId: null, balance: 5000 }]);
  });

  it('takes points the balance holds (PointsReserved, a USED line), down to exactly 0', () => {
    const wallet = Wallet.restore({ customerId: CUSTOMER, balance: 1200 });
    expect(wallet.reserve(ORDER, 1200)).toEqual({ type: 'PointsReserved', orderId: ORDER, points: 1200, balance: 0 });
    expect(wallet.snapshot.balance).toBe(0);
    expect(wallet.newEntries).toEqual([{ type: 'USED', reason: 'ORDER', points: 1200, orderId: ORDER, balance: 0 }]);
  });

  it('takes nothing when the balance holds too few: PointsReservationFailed INSUFFICIENT_POINTS, no line', () => {
    const wallet = Wallet.restore({ customerId: CUSTOMER, balance: 1200 });
    expect(wallet.reserve(ORDER, 1201)).toEqual({ type: 'PointsReservationFailed', orderId: ORDER, points: 1201, balance: 1200, reason: 'INSUFFICIENT_POINTS' });
    expect(wallet.snapshot.balance).toBe(1200);
    expect(wallet.newEntries).toEqual([]);
  });

  it('gives points back (PointsReleased with its cause, a RELEASED line) and adds earned ones (PointsEarned ORDER, an EARNED line)', () => {
    const wallet = Wallet.restore({ customerId: CUSTOMER, balance: 100 });
    expect(wallet.release(ORDER, 400, 'ORDER_CANCELED')).toEqual({ type: 'PointsReleased', orderId: ORDER, points: 400, balance: 500, cause: 'ORDER_CANCELED' });
    expect(wallet.earn(ORDER, 59)).toEqual({ type: 'PointsEarned', reason: 'ORDER', points: 59, balance: 559, orderId: ORDER });
    expect(wallet.newEntries).toEqual([
      { type: 'RELEASED', reason: 'ORDER_CANCELED', points: 400, orderId: ORDER, balance: 500 },
      { type: 'EARNED', reason: 'ORDER', points: 59, orderId: ORDER, balance: 559 },
    ]);
  });

  it.each([0, -5, 1.5, Number.NaN])('refuses %s points: every change is a whole number of at least 1', (points) => {
    const wallet = Wallet.restore({ customerId: CUSTOMER, balance: 100 });
    expect(() => wallet.reserve(ORDER, points)).toThrow(/whole number/);
    expect(() => wallet.release(ORDER, points, 'ORDER_REJECTED')).toThrow(/whole number/);
    expect(() => wallet.earn(ORDER, points)).toThrow(/whole number/);
    expect(wallet.snapshot.balance).toBe(100);
  });

  it('restores the balance it was saved with, with no new lines', () => {
    const wallet = Wallet.restore({ customerId: CUSTOMER, balance: 4321 });
    expect(wallet.snapshot).toEqual({ customerId: CUSTOMER, balance: 4321 });
    expect(wallet.newEntries).toEqual([]);
  });
});
