import { Injectable, Logger } from '@nestjs/common';
import type { Contact } from './customer';

export type { Contact } from './customer';

export interface OutgoingMessage {
  id: string;
  type: string;
  text: string;
}

/** Sends a message to a customer (a port): SMS, mail or push in a real shop. */
export abstract class Notifier {
  abstract send(to: Contact, message: OutgoingMessage): Promise<void>;
}

/** Writes what would be sent to the log; no real SMS or mail leaves this service. */
@Injectable()
export class LoggingNotifier extends Notifier {
  private readonly logger = new Logger('Notifier');

  async send(to: Contact, message: OutgoingMessage): Promise<void> {
    this.logger.log(`${message.type} ${message.id} to ${to.name} <${to.email}> / ${to.phone}: ${message.text}`);
  }
}
