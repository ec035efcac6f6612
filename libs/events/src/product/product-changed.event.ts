import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Min } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';

/** A full snapshot of a catalog product. `revision` grows with every change so replicas keep the newest. */
export class ProductChangedPayload {
  @IsUUID() productId: string;
  @IsInt() @Min(1) revision: number;
  @IsString() @IsNotEmpty() name: string;
  @IsString() @IsNotEmpty() category: string;
  @IsInt() @Min(0) price: number;
  @IsOptional() @IsInt() @Min(0) salePrice: number | null;
  @IsInt() @Min(0) stock: number;
  @IsBoolean() onSale: boolean;
}

export const ProductChanged = defineEvent({
  type: 'ProductChanged',
  version: 1,
  topic: Topics.Product,
  producer: 'ordermanagement',
  aggregateType: 'product',
  aggregateIdField: 'productId',
  keyField: 'productId',
  payload: ProductChangedPayload,
  description: 'A catalog product was created or changed (price, sale price or stock); full snapshot.',
});
