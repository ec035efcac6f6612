import { MicroserviceOptions } from '@nestjs/microservices';
import { EventTransport } from '@homestore/messaging';
import { runService } from '@homestore/platform';
import { MessageConfig } from './message.config';
import { MessageModule } from './message.module';

void runService('message', MessageConfig, (config) => MessageModule.register(config), async (app) => {
  app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(EventTransport) });
  await app.startAllMicroservices();
});
