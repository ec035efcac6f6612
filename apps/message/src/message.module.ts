import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@homestore/auth';
import { MessagingModule } from '@homestore/messaging';
import { DatabaseModule, PlatformModule } from '@homestore/platform';
import { CustomerRepository } from './customer.repository';
import { messageMigrations } from './infrastructure/migrations';
import { MessageConfig } from './message.config';
import { MessageEventsHandler } from './message-events.handler';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { LoggingNotifier, Notifier } from './notifier';

@Module({})
export class MessageModule {
  static register(config: MessageConfig): DynamicModule {
    return {
      module: MessageModule,
      imports: [
        PlatformModule.forRoot('message', config),
        DatabaseModule.forRoot({ entities: [], migrations: messageMigrations }),
        MessagingModule.forRoot(),
        AuthModule.forRoot(),
      ],
      controllers: [MessagesController, MessageEventsHandler],
      providers: [CustomerRepository, MessagesService, { provide: Notifier, useClass: LoggingNotifier }],
    };
  }
}
