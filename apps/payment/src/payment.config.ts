import { ServiceConfig } from '@homestore/platform';

export class PaymentConfig extends ServiceConfig {
  override PORT: number = 3003;
}
