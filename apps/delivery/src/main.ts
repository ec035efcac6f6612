import { MicroserviceOptions } from '@nestjs/microservices';
import { EventTransport } from '@homestore/messaging';
import { runService } from '@homestore/platform';
import { DeliveryConfig } from './delivery.config';
import { DeliveryModule } from './delivery.module';

void runService('delivery', DeliveryConfig, (config) => DeliveryModule.register(config), async (app) => {
  app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(EventTransport) });
  await app.startAllMicroservices();
});
