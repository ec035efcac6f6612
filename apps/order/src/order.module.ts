import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@homestore/auth';
import { MessagingModule } from '@homestore/messaging';
import { DatabaseModule, PlatformModule } from '@homestore/platform';
import { CancelOrder } from './application/cancel-order';
import { CartQueries } from './application/cart-queries';
import { CheckOutCart } from './application/check-out-cart';
import { EditCart } from './application/edit-cart';
import { OrderQueries } from './application/order-queries';
import { OrderSaga } from './application/order-saga';
import { PlaceOrder } from './application/place-order';
import { SagaDeadlineWatch } from './application/saga-deadlines';
import { CartRepository } from './infrastructure/cart.repository';
import { orderMigrations } from './infrastructure/migrations';
import { OrderRepository } from './infrastructure/order.repository';
import { OverdueOrders } from './infrastructure/overdue-orders';
import { ProductReplica } from './infrastructure/product-replica.repository';
import { CartController } from './interface/cart.controller';
import { DeliveryEventsHandler } from './interface/delivery-events.handler';
import { MileageEventsHandler } from './interface/mileage-events.handler';
import { OrdersController } from './interface/orders.controller';
import { PaymentEventsHandler } from './interface/payment-events.handler';
import { ProductEventsHandler } from './interface/product-events.handler';
import { StoreEventsHandler } from './interface/store-events.handler';
import { MyPageModule } from './mypage/mypage.module';
import { OrderConfig } from './order.config';

@Module({})
export class OrderModule {
  static register(config: OrderConfig): DynamicModule {
    return {
      module: OrderModule,
      imports: [
        PlatformModule.forRoot('order', config),
        DatabaseModule.forRoot({ entities: [], migrations: orderMigrations }),
        MessagingModule.forRoot(),
        AuthModule.forRoot(),
        MyPageModule,
      ],
      controllers: [
        OrdersController,
        CartController,
        ProductEventsHandler,
        PaymentEventsHandler,
        StoreEventsHandler,
        DeliveryEventsHandler,
        MileageEventsHandler,
      ],
      providers: [
        OrderRepository,
        OverdueOrders,
        ProductReplica,
        PlaceOrder,
        CartRepository,
        EditCart,
        CartQueries,
        CheckOutCart,
        CancelOrder,
        OrderQueries,
        OrderSaga,
        SagaDeadlineWatch,
      ],
    };
  }
}
