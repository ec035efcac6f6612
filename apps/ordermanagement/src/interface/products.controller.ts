import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { Public, Roles } from '@homestore/auth';
import { Catalog, ProductView } from '../application/catalog';
import { CreateProductBody, ProductQuery, UpdateProductBody } from './dto';

@Controller('products')
export class ProductsController {
  constructor(private readonly catalog: Catalog) {}

  @Public()
  @Get()
  list(@Query() query: ProductQuery): Promise<ProductView[]> {
    return this.catalog.list({ category: query.category, onSale: query.onSale === undefined ? undefined : query.onSale === 'true' });
  }

  @Public()
  @Get(':id')
  get(@Param('id') id: string): Promise<ProductView> {
    return this.catalog.get(id);
  }

  @Roles('store')
  @Post()
  create(@Body() body: CreateProductBody): Promise<ProductView> {
    return this.catalog.create({ ...body, salePrice: body.salePrice ?? null });
  }

  @Roles('store')
  @Patch(':id')
  update(@Param('id') id: string, @Body() body: UpdateProductBody): Promise<ProductView> {
    return this.catalog.update(id, body);
  }
}
