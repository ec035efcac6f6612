import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NotificationType } from './notices';

/** The replica of a user's contact details, from user events. */
@Entity('contacts')
export class ContactEntity {
  @PrimaryColumn('uuid', { name: 'user_id' }) userId: string;
  @Column('text') email: string;
  @Column('text') name: string;
  @Column('text') phone: string;
}

/** One notification per event that gives one (event_id unique), kept for GET /messages. */
@Entity('notifications')
export class NotificationEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'event_id' }) eventId: string;
  @Column('uuid', { name: 'customer_id' }) customerId: string;
  @Column('text') type: NotificationType;
  @Column('uuid', { name: 'order_id', nullable: true }) orderId: string | null;
  @Column('text') text: string;
  /** When the event happened, so the list follows the saga even when events arrive late or out of order. */
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  /** Null until the customer's contact is known and the message was handed to the notifier. */
  @Column('timestamptz', { name: 'sent_at', nullable: true }) sentAt: Date | null;
}
