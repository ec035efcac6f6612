import { runService } from '@homestore/platform';
import { PaymentConfig } from './payment.config';
import { PaymentModule } from './payment.module';

void runService('payment', PaymentConfig, (config) => PaymentModule.register(config));
