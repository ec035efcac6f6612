import { runService } from '@homestore/platform';
import { UserConfig } from './user.config';
import { UserModule } from './user.module';

void runService('user', UserConfig, (config) => UserModule.register(config));
