import { runService } from '@homestore/platform';
import { DeliveryConfig } from './delivery.config';
import { DeliveryModule } from './delivery.module';

void runService('delivery', DeliveryConfig, (config) => DeliveryModule.register(config));
