import { MicroserviceOptions } from '@nestjs/microservices';
import { EventTransport } from '@homestore/messaging';
import { runService } from '@homestore/platform';
import { OrderManagementConfig } from './ordermanagement.config';
import { OrderManagementModule } from './ordermanagement.module';

void runService('ordermanagement', OrderManagementConfig, (config) => OrderManagementModule.register(config), async (app) => {
  app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(EventTransport) });
  await app.startAllMicroservices();
});
