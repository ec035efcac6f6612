import { ServiceConfig } from '@homestore/platform';

export class MessageConfig extends ServiceConfig {
  override PORT: number = 3006;
}
