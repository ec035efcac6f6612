import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { OrderEnding, Reservation } from '../domain/order-points';
import { bigintAsNumber } from './bigint';

/** One row per order mileage heard of: the facts it holds, so that each changes the wallet at most once. */
@Entity('order_points')
export class OrderPointsEntity {
  @PrimaryColumn('uuid', { name: 'order_id' }) orderId: string;
  @Column('uuid', { name: 'customer_id' }) customerId: string;
  @Column('bigint', { name: 'points_used', nullable: true, transformer: bigintAsNumber }) pointsUsed: number | null;
  @Column('text') reservation: Reservation;
  @Column('text', { nullable: true }) ended: OrderEnding | null;
  @Column('bigint', { name: 'amount_charged', nullable: true, transformer: bigintAsNumber }) amountCharged: number | null;
  @Column('boolean') delivered: boolean;
  @Column('bigint', { name: 'points_earned', nullable: true, transformer: bigintAsNumber }) pointsEarned: number | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
