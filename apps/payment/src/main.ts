import { MicroserviceOptions } from '@nestjs/microservices';
import { EventTransport } from '@homestore/messaging';
import { runService } from '@homestore/platform';
import { PaymentConfig } from './payment.config';
import { PaymentModule } from './payment.module';

void runService('payment', PaymentConfig, (config) => PaymentModule.register(config), async (app) => {
  app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(EventTransport) });
  await app.startAllMicroservices();
});
