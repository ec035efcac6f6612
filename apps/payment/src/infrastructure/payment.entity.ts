import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { OrderDetails, PaymentStatus } from '../domain/payment';

const bigintAsNumber = { to: (v: number) => v, from: (v: string | null) => (v === null ? v : Number(v)) };

/** One row per order, ever: the primary key is what makes "at most one charge per order" hold. */
@Entity('payments')
export class PaymentEntity {
  @PrimaryColumn('uuid', { name: 'order_id' }) orderId: string;
  @Column('uuid', { name: 'payment_id' }) paymentId: string;
  @Column('uuid', { name: 'customer_id' }) customerId: string;
  @Column('bigint', { transformer: bigintAsNumber }) amount: number;
  /** The processor's token (never a card number), kept to refund the same card. */
  @Column('text', { name: 'card_token' }) cardToken: string;
  @Column('text') status: PaymentStatus;
  @Column('text', { nullable: true }) reason: string | null;
  /** The order's lines and delivery, kept while its charge waits for the points (PaymentApproved carries them on). */
  @Column('jsonb', { name: 'order_details', nullable: true }) orderDetails: OrderDetails | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
