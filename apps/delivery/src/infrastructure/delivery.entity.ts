import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { DeliveryStatus } from '../domain/delivery';

/** One row per order, ever: a second OrderAccepted finds it and starts nothing. */
@Entity('deliveries')
export class DeliveryEntity {
  @PrimaryColumn('uuid', { name: 'order_id' }) orderId: string;
  @Column('uuid', { name: 'delivery_id' }) deliveryId: string;
  @Column('uuid', { name: 'customer_id' }) customerId: string;
  @Column('text') status: DeliveryStatus;
  @Column('text', { nullable: true }) address: string | null;
  @Column('text', { nullable: true }) phone: string | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
