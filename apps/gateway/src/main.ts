import { runService } from '@homestore/platform';
import { GatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';

void runService('gateway', GatewayConfig, (config) => GatewayModule.register(config));
