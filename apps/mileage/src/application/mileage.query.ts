import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PagePosition } from '@homestore/platform';
import { WalletPage, WalletRepository } from '../infrastructure/wallet.repository';

/**
 * GET /mileage: the caller's own wallet. A customer whose wallet has not opened yet (their UserRegistered not handled
 * yet: it opens within moments of signing up) has a balance of 0 and no history, which is what mileage holds for them.
 */
@Injectable()
export class MileageQuery {
  constructor(
    private readonly dataSource: DataSource,
    private readonly wallets: WalletRepository,
  ) {}

  ofCustomer(customerId: string, page: { limit: number; after?: PagePosition }): Promise<WalletPage> {
    return this.wallets.page(this.dataSource.manager, customerId, page);
  }
}
