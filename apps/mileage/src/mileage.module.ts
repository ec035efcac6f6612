import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@homestore/auth';
import { MessagingModule } from '@homestore/messaging';
import { DatabaseModule, PlatformModule } from '@homestore/platform';
import { MileageSaga } from './application/mileage-saga';
import { MileageQuery } from './application/mileage.query';
import { mileageMigrations } from './infrastructure/migrations';
import { OrderPointsEntity } from './infrastructure/order-points.entity';
import { OrderPointsRepository } from './infrastructure/order-points.repository';
import { WalletEntity } from './infrastructure/wallet.entity';
import { WalletRepository } from './infrastructure/wallet.repository';
import { DeliveryEventsHandler } from './interface/delivery-events.handler';
import { MileageController } from './interface/mileage.controller';
import { OrderEventsHandler } from './interface/order-events.handler';
import { PaymentEventsHandler } from './interface/payment-events.handler';
import { StoreEventsHandler } from './interface/store-events.handler';
import { UserEventsHandler } from './interface/user-events.handler';
import { MileageConfig } from './mileage.config';

@Module({})
export class MileageModule {
  static register(config: MileageConfig): DynamicModule {
    return {
      module: MileageModule,
      imports: [
        PlatformModule.forRoot('mileage', config),
        DatabaseModule.forRoot({ entities: [WalletEntity, OrderPointsEntity], migrations: mileageMigrations }),
        MessagingModule.forRoot(),
        AuthModule.forRoot(),
      ],
      controllers: [MileageController, UserEventsHandler, OrderEventsHandler, PaymentEventsHandler, StoreEventsHandler, DeliveryEventsHandler],
      providers: [WalletRepository, OrderPointsRepository, MileageSaga, MileageQuery],
    };
  }
}
