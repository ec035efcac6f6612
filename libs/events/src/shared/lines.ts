import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsInt, IsNotEmpty, IsString, IsUUID, Min, ValidateNested } from 'class-validator';

/** One priced line of an order, as the customer bought it. */
export class OrderLine {
  @IsUUID() productId: string;
  @IsString() @IsNotEmpty() name: string;
  @IsInt() @Min(0) unitPrice: number;
  @IsInt() @Min(1) quantity: number;
}

/** A product and a quantity: what the store reserves or releases. */
export class StockLine {
  @IsUUID() productId: string;
  @IsInt() @Min(1) quantity: number;
}

/** Decorators for a non-empty array of nested lines. */
export function Lines(type: () => new () => object): PropertyDecorator {
  return (target, key) => {
    IsArray()(target, key);
    ArrayMinSize(1)(target, key);
    ValidateNested({ each: true })(target, key);
    Type(type)(target, key);
  };
}
