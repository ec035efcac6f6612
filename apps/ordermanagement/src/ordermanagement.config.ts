import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';
import { ServiceConfig } from '@homestore/platform';

export class OrderManagementConfig extends ServiceConfig {
  override PORT: number = 3004;

  /** Accept every order right after its stock is reserved, without a clerk (demos, benchmarks). */
  @Transform(({ obj, key }) => {
    const raw = (obj as Record<string, unknown>)[key];
    return raw === undefined || raw === false || raw === 'false' ? false : raw === true || raw === 'true' ? true : raw;
  })
  @IsBoolean({ message: 'STORE_AUTO_ACCEPT must be true or false' })
  STORE_AUTO_ACCEPT: boolean = false;
}
