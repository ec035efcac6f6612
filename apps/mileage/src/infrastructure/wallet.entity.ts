import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from './bigint';

/** One row per customer, ever: opening a wallet twice (two welcomes) would break its primary key. */
@Entity('wallets')
export class WalletEntity {
  @PrimaryColumn('uuid', { name: 'customer_id' }) customerId: string;
  @Column('bigint', { transformer: bigintAsNumber }) balance: number;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
