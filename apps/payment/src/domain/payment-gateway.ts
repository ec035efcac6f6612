import type { ChargeOutcome, RefundOutcome } from './payment';

/** A charge or refund of one order on one card. */
export interface CardRequest {
  orderId: string;
  amount: number;
  cardToken: string;
}

/** The card processor (a port). A real adapter passes orderId as the idempotency key, so a retried call is not a second one. */
export abstract class PaymentGateway {
  abstract charge(request: CardRequest): Promise<ChargeOutcome>;
  abstract refund(request: CardRequest): Promise<RefundOutcome>;
}
