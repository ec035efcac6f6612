import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@homestore/auth';
import { MessagingModule } from '@homestore/messaging';
import { DatabaseModule, PlatformModule } from '@homestore/platform';
import { Payments } from './application/payments';
import { PaymentsQuery } from './application/payments.query';
import { PaymentGateway } from './domain/payment-gateway';
import { paymentMigrations } from './infrastructure/migrations';
import { PaymentEntity } from './infrastructure/payment.entity';
import { PaymentRepository } from './infrastructure/payment.repository';
import { SimulatedPaymentGateway } from './infrastructure/simulated-payment-gateway';
import { MileageEventsHandler } from './interface/mileage-events.handler';
import { OrderEventsHandler } from './interface/order-events.handler';
import { PaymentsController } from './interface/payments.controller';
import { StoreEventsHandler } from './interface/store-events.handler';
import { PaymentConfig } from './payment.config';

@Module({})
export class PaymentModule {
  static register(config: PaymentConfig): DynamicModule {
    return {
      module: PaymentModule,
      imports: [
        PlatformModule.forRoot('payment', config),
        DatabaseModule.forRoot({ entities: [PaymentEntity], migrations: paymentMigrations }),
        MessagingModule.forRoot(),
        AuthModule.forRoot(),
      ],
      controllers: [PaymentsController, OrderEventsHandler, StoreEventsHandler, MileageEventsHandler],
      providers: [
        PaymentRepository,
        Payments,
        PaymentsQuery,
        { provide: PaymentGateway, useClass: SimulatedPaymentGateway },
      ],
    };
  }
}
