import { ServiceConfig } from '@homestore/platform';

export class OrderConfig extends ServiceConfig {
  override PORT: number = 3002;
}
