import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@homestore/auth';
import { MessagingModule } from '@homestore/messaging';
import { DatabaseModule, PlatformModule } from '@homestore/platform';
import { CancelDelivery } from './application/cancel-delivery';
import { CompleteDelivery } from './application/complete-delivery';
import { DeliveryQueries } from './application/delivery-queries';
import { StartDelivery } from './application/start-delivery';
import { DeliveryConfig } from './delivery.config';
import { DeliveryEntity } from './infrastructure/delivery.entity';
import { DeliveryRepository } from './infrastructure/delivery.repository';
import { deliveryMigrations } from './infrastructure/migrations';
import { DeliveriesController } from './interface/deliveries.controller';
import { StoreEventsHandler } from './interface/store-events.handler';

@Module({})
export class DeliveryModule {
  static register(config: DeliveryConfig): DynamicModule {
    return {
      module: DeliveryModule,
      imports: [
        PlatformModule.forRoot('delivery', config),
        DatabaseModule.forRoot({ entities: [DeliveryEntity], migrations: deliveryMigrations }),
        MessagingModule.forRoot(),
        AuthModule.forRoot(),
      ],
      controllers: [DeliveriesController, StoreEventsHandler],
      providers: [DeliveryRepository, StartDelivery, CancelDelivery, CompleteDelivery, DeliveryQueries],
    };
  }
}
