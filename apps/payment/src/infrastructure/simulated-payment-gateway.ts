import { Injectable } from '@nestjs/common';
import type { ChargeOutcome, RefundOutcome } from '../domain/payment';
import { CardRequest, PaymentGateway } from '../domain/payment-gateway';

/** Card tokens and limits of the deterministic simulator (DESIGN.md). */
export const Simulator = {
  declinedToken: 'tok_decline',
  refundFailsToken: 'tok_refund_fail',
  limit: 50_000_000,
} as const;

/** A deterministic stand-in for a card processor: the token and amount decide the answer. */
@Injectable()
export class SimulatedPaymentGateway extends PaymentGateway {
  async charge({ amount, cardToken }: CardRequest): Promise<ChargeOutcome> {
    if (cardToken === Simulator.declinedToken) return { approved: false, reason: 'CARD_DECLINED' };
    if (amount > Simulator.limit) return { approved: false, reason: 'LIMIT_EXCEEDED' };
    return { approved: true };
  }

  async refund({ cardToken }: CardRequest): Promise<RefundOutcome> {
    if (cardToken === Simulator.refundFailsToken) return { refunded: false, reason: 'the card issuer refused the refund' };
    return { refunded: true };
  }
}
