import { runService } from '@homestore/platform';
import { MessageConfig } from './message.config';
import { MessageModule } from './message.module';

void runService('message', MessageConfig, (config) => MessageModule.register(config));
