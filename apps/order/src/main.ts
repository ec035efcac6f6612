import { MicroserviceOptions } from '@nestjs/microservices';
import { EventTransport } from '@homestore/messaging';
import { runService } from '@homestore/platform';
import { OrderConfig } from './order.config';
import { OrderModule } from './order.module';

void runService('order', OrderConfig, (config) => OrderModule.register(config), async (app) => {
  app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(EventTransport) });
  await app.startAllMicroservices();
});
