import { ServiceConfig } from '@homestore/platform';

export class DeliveryConfig extends ServiceConfig {
  override PORT: number = 3005;
}
