import { MicroserviceOptions } from '@nestjs/microservices';
import { EventTransport } from '@homestore/messaging';
import { runService } from '@homestore/platform';
import { MileageConfig } from './mileage.config';
import { MileageModule } from './mileage.module';

void runService('mileage', MileageConfig, (config) => MileageModule.register(config), async (app) => {
  app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(EventTransport) });
  await app.startAllMicroservices();
});
