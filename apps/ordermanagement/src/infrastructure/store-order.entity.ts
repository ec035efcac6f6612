import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { StockLine, StoreOrderState, StoreOrderStatus } from '../domain/store-order';

/** One row per order the store has heard of, including cancel tombstones (status CANCELED, no items). */
@Entity('store_orders')
export class StoreOrderEntity implements StoreOrderState {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'order_id', unique: true }) orderId: string;
  @Column('uuid', { name: 'customer_id' }) customerId: string;
  @Column('text') status: StoreOrderStatus;
  @Column('jsonb') items: StockLine[];
  @Column('text', { name: 'delivery_address', nullable: true }) deliveryAddress: string | null;
  @Column('text', { name: 'delivery_phone', nullable: true }) deliveryPhone: string | null;
  @Column('boolean', { name: 'stock_reserved' }) stockReserved: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
