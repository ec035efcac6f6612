import { runService } from '@homestore/platform';
import { OrderConfig } from './order.config';
import { OrderModule } from './order.module';

void runService('order', OrderConfig, (config) => OrderModule.register(config));
