import { ChargeRequest, Payment, PaymentStatus } from './payment';

const ORDER = '0b7e3c9a-8f4d-4c2e-9b1a-2d3e4f5a6b7c';
const CUSTOMER = '5f0c8a52-3c1e-4d55-9a1b-6c9f1e2d3a41';

function aCharge(overrides: Partial<ChargeRequest> = {}): ChargeRequest {
  return { paymentId: 'b1b2c3d4-0000-4000-8000-000000000001', orderId: ORDER, customerId: CUSTOMER, amount: 6_690_000, cardToken: 'tok_visa', ...overrides };
}

/** A payment in the given status, built through its own transitions. */
function aPayment(status: PaymentStatus): Payment {
  if (status === 'VOIDED') return Payment.voided('b1b2c3d4-0000-4000-8000-000000000001', ORDER, CUSTOMER);
  if (status === 'FAILED') return Payment.charged(aCharge(), { approved: false, reason: 'CARD_DECLINED' }).payment;
  const { payment } = Payment.charged(aCharge(), { approved: true });
  if (status === 'REFUNDED') payment.refunded('ORDER_CANCELED', { refunded: true });
  if (status === 'REFUND_FAILED') payment.refunded('ORDER_CANCELED', { refunded: false, reason: 'refused' });
  return payment;
}

describe('Payment', () => {
  it('an approved charge is APPROVED and announces PaymentApproved', () => {
    const { payment, fact } = Payment.charged(aCharge(), { approved: true });
    expect(fact).toEqual({ type: 'PaymentApproved' });
    expect(payment.snapshot).toEqual({ ...aCharge(), status: 'APPROVED', reason: null });
    expect(payment.owesRefund).toBe(true);
  });

  it.each(['CARD_DECLINED', 'LIMIT_EXCEEDED'] as const)('a refused charge (%s) is FAILED, announces PaymentFailed and owes nothing', (reason) => {
    const { payment, fact } = Payment.charged(aCharge(), { approved: false, reason });
    expect(fact).toEqual({ type: 'PaymentFailed', reason });
    expect(payment.snapshot).toMatchObject({ status: 'FAILED', reason });
    expect(payment.owesRefund).toBe(false);
  });

  it.each(['ORDER_CANCELED', 'OUT_OF_STOCK'] as const)('an approved payment refunded for %s is REFUNDED', (cause) => {
    const payment = aPayment('APPROVED');
    expect(payment.refunded(cause, { refunded: true })).toEqual({ type: 'PaymentRefunded', cause });
    expect(payment.snapshot).toMatchObject({ status: 'REFUNDED', reason: cause });
    expect(payment.owesRefund).toBe(false);
  });

  it('a refund the processor refuses is REFUND_FAILED with its reason, and is not tried again', () => {
    const payment = aPayment('APPROVED');
    expect(payment.refunded('OUT_OF_STOCK', { refunded: false, reason: 'issuer refused' })).toEqual({
      type: 'PaymentRefundFailed',
      cause: 'OUT_OF_STOCK',
      reason: 'issuer refused',
    });
    expect(payment.snapshot).toMatchObject({ status: 'REFUND_FAILED', reason: 'issuer refused' });
    expect(payment.owesRefund).toBe(false);
  });

  it('an order canceled before any charge is VOIDED: nothing owed', () => {
    const payment = aPayment('VOIDED');
    expect(payment.snapshot).toMatchObject({ orderId: ORDER, customerId: CUSTOMER, status: 'VOIDED', amount: 0 });
    expect(payment.owesRefund).toBe(false);
  });

  it.each(['FAILED', 'REFUNDED', 'REFUND_FAILED', 'VOIDED'] as const)('refuses a refund when %s (at most one refund, only of a charge)', (status) => {
    expect(() => aPayment(status).refunded('ORDER_CANCELED', { refunded: true })).toThrow(/no refund is owed/);
  });

  it('restores the state it was saved with', () => {
    const saved = aPayment('REFUNDED').snapshot;
    expect(Payment.restore(saved).snapshot).toEqual(saved);
  });
});
