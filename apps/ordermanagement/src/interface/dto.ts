import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, Min, ValidateIf } from 'class-validator';
import { PageQuery } from '@homestore/platform';

const NOT_BLANK = /\S/;

export class CreateProductBody {
  @IsString() @Matches(NOT_BLANK, { message: 'name must not be blank' }) @MaxLength(200) name: string;
  @IsString() @Matches(/^[a-z][a-z0-9-]*$/, { message: 'category must be lower-case letters, digits or dashes' }) @MaxLength(50) category: string;
  @IsInt() @Min(0) price: number;
  @IsOptional() @IsInt() @Min(0) salePrice?: number | null;
  @IsInt() @Min(0) stock: number;
}

export class UpdateProductBody {
  @IsOptional() @IsString() @Matches(NOT_BLANK, { message: 'name must not be blank' }) @MaxLength(200) name?: string;
  @IsOptional() @IsString() @Matches(/^[a-z][a-z0-9-]*$/, { message: 'category must be lower-case letters, digits or dashes' }) @MaxLength(50) category?: string;
  @IsOptional() @IsInt() @Min(0) price?: number;
  /** null ends a sale. */
  @ValidateIf((_, v) => v !== null) @IsOptional() @IsInt() @Min(0) salePrice?: number | null;
  @IsOptional() @IsInt() @Min(0) stock?: number;
}

export class ProductQuery {
  @IsOptional() @IsString() @IsNotEmpty() category?: string;
  @IsOptional() @IsIn(['true', 'false']) onSale?: 'true' | 'false';
}

/** GET /store/orders?status=&limit=&before=. */
export class StoreOrderQuery extends PageQuery {
  @IsOptional() @IsIn(['RECEIVED', 'ACCEPTED', 'CANCELED', 'OUT_OF_STOCK']) status?: 'RECEIVED' | 'ACCEPTED' | 'CANCELED' | 'OUT_OF_STOCK';
}
