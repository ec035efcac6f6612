import { Controller, Get, Query } from '@nestjs/common';
import { AuthUser, CurrentUser, Roles } from '@homestore/auth';
import { PageQuery, Paging } from '@homestore/platform';
import { MessagesService, MessageView } from './messages.service';

/** GET /messages's cursors; a bad one is 400 `MESSAGE.INVALID_CURSOR`. */
const MESSAGES = new Paging('MESSAGE', 'GET /messages');

@Roles('customer')
@Controller('messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** A page of the caller's own notifications, newest first; `nextCursor` (null on the last page) asks for the next. */
  @Get()
  async mine(@CurrentUser() user: AuthUser, @Query() query: PageQuery): Promise<{ messages: MessageView[]; nextCursor: string | null }> {
    const page = await this.messages.page(user.id, { limit: query.limit, after: MESSAGES.after(query.before) });
    return { messages: page.rows, nextCursor: MESSAGES.nextCursor(page.next) };
  }
}
