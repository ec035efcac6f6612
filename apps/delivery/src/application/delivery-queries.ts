import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@homestore/auth';
import { deliveryNotFound } from '../domain/delivery.errors';
import { DeliveryRepository } from '../infrastructure/delivery.repository';

/** A delivery as the customer and the store see it (never a tombstone). */
export interface DeliveryView {
  orderId: string;
  status: 'STARTED' | 'CANCELED' | 'COMPLETED';
  address: string;
  updatedAt: string;
}

/** What customers and the store may read of deliveries. */
@Injectable()
export class DeliveryQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deliveries: DeliveryRepository,
  ) {}

  /** The owner or the store; anyone else, an unknown order and a tombstone are 404. */
  async ofOrder(orderId: string, user: AuthUser): Promise<DeliveryView> {
    if (!isUUID(orderId)) throw deliveryNotFound();
    return this.view(orderId, (customerId) => user.role === 'store' || customerId === user.id);
  }

  /** The order's delivery as it is now; 404 for an unknown order, a tombstone, or one `visible` refuses. */
  async view(orderId: string, visible: (customerId: string) => boolean = () => true): Promise<DeliveryView> {
    const d = await this.deliveries.findByOrder(this.dataSource.manager, orderId);
    if (!d || d.status === 'VOIDED' || !visible(d.customerId)) throw deliveryNotFound();
    return { orderId: d.orderId, status: d.status, address: d.address!, updatedAt: d.updatedAt.toISOString() };
  }
}
