import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from '@homestore/auth';

/** A person who can log in: a customer (signed up) or the store clerk (created at start-up). */
@Entity('users')
export class UserEntity {
  @PrimaryColumn('uuid') id: string;
  /** As given at signup; unique regardless of case (index on lower(email)). */
  @Column('text') email: string;
  @Column('text', { name: 'password_hash' }) passwordHash: string;
  @Column('text') name: string;
  @Column('text') phone: string;
  @Column('text') role: Role;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

/** What a user sees of their account. */
export interface UserProfile {
  id: string;
  email: string;
  name: string;
  phone: string;
  role: Role;
}

export function profileOf({ id, email, name, phone, role }: UserEntity): UserProfile {
  return { id, email, name, phone, role };
}
