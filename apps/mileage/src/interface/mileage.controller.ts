import { Controller, Get, Query } from '@nestjs/common';
import { AuthUser, CurrentUser, Roles } from '@homestore/auth';
import { PageQuery, Paging } from '@homestore/platform';
import { MileageQuery } from '../application/mileage.query';
import type { HistoryLine } from '../infrastructure/wallet.repository';

/** GET /mileage's cursors; a bad one is 400 `MILEAGE.INVALID_CURSOR`. */
const MILEAGE = new Paging('MILEAGE', 'GET /mileage');

@Roles('customer')
@Controller('mileage')
export class MileageController {
  constructor(private readonly mileage: MileageQuery) {}

  /** The caller's own balance and a page of their history, newest first; `nextCursor` (null on the last page) asks for the next. */
  @Get()
  async mine(@CurrentUser() user: AuthUser, @Query() query: PageQuery): Promise<{ balance: number; history: HistoryLine[]; nextCursor: string | null }> {
    const page = await this.mileage.ofCustomer(user.id, { limit: query.limit, after: MILEAGE.after(query.before) });
    return { balance: page.balance, history: page.rows, nextCursor: MILEAGE.nextCursor(page.next) };
  }
}
