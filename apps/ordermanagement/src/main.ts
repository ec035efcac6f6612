import { runService } from '@homestore/platform';
import { OrderManagementConfig } from './ordermanagement.config';
import { OrderManagementModule } from './ordermanagement.module';

void runService('ordermanagement', OrderManagementConfig, (config) => OrderManagementModule.register(config));
