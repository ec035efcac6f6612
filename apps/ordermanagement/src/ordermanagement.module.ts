import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@homestore/auth';
import { MessagingModule } from '@homestore/messaging';
import { DatabaseModule, PlatformModule } from '@homestore/platform';
import { Catalog } from './application/catalog';
import { DemoCatalogSeeder } from './application/demo-catalog.seeder';
import { StoreOrders } from './application/store-orders';
import { orderManagementMigrations } from './infrastructure/migrations';
import { ProductEntity } from './infrastructure/product.entity';
import { ProductRepository } from './infrastructure/product.repository';
import { StoreOrderEntity } from './infrastructure/store-order.entity';
import { StoreOrderRepository } from './infrastructure/store-order.repository';
import { OrderEventsHandler } from './interface/order-events.handler';
import { PaymentEventsHandler } from './interface/payment-events.handler';
import { ProductsController } from './interface/products.controller';
import { StoreOrdersController } from './interface/store-orders.controller';
import { OrderManagementConfig } from './ordermanagement.config';

@Module({})
export class OrderManagementModule {
  static register(config: OrderManagementConfig): DynamicModule {
    return {
      module: OrderManagementModule,
      imports: [
        PlatformModule.forRoot('ordermanagement', config),
        DatabaseModule.forRoot({ entities: [ProductEntity, StoreOrderEntity], migrations: orderManagementMigrations }),
        MessagingModule.forRoot(),
        AuthModule.forRoot(),
      ],
      controllers: [ProductsController, StoreOrdersController, PaymentEventsHandler, OrderEventsHandler],
      providers: [ProductRepository, StoreOrderRepository, Catalog, StoreOrders, DemoCatalogSeeder],
    };
  }
}
