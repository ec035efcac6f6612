import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ProductState } from '../domain/product';

@Entity('products')
export class ProductEntity implements ProductState {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') category: string;
  @Column('integer') price: number;
  @Column('integer', { name: 'sale_price', nullable: true }) salePrice: number | null;
  @Column('integer') stock: number;
  @Column('integer') revision: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
