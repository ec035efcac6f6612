import { SimulatedPaymentGateway } from './simulated-payment-gateway';

describe('SimulatedPaymentGateway', () => {
  const gateway = new SimulatedPaymentGateway();
  const orderId = '0b7e3c9a-8f4d-4c2e-9b1a-2d3e4f5a6b7c';

  it('declines tok_decline, refuses amounts over 50,000,000, approves anything else', async () => {
    expect(await gateway.charge({ orderId, amount: 1000, cardToken: 'tok_decline' })).toEqual({ approved: false, reason: 'CARD_DECLINED' });
    expect(await gateway.charge({ orderId, amount: 50_000_001, cardToken: 'tok_visa' })).toEqual({ approved: false, reason: 'LIMIT_EXCEEDED' });
    expect(await gateway.charge({ orderId, amount: 50_000_000, cardToken: 'tok_visa' })).toEqual({ approved: true });
    expect(await gateway.charge({ orderId, amount: 1000, cardToken: 'tok_refund_fail' })).toEqual({ approved: true });
  });

  it('fails the refunds of tok_refund_fail only', async () => {
    expect(await gateway.refund({ orderId, amount: 1000, cardToken: 'tok_refund_fail' })).toEqual({ refunded: false, reason: expect.any(String) });
    expect(await gateway.refund({ orderId, amount: 1000, cardToken: 'tok_visa' })).toEqual({ refunded: true });
  });
});
