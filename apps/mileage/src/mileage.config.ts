import { ServiceConfig } from '@homestore/platform';

export class MileageConfig extends ServiceConfig {
  override PORT: number = 3007;
}
