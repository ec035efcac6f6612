import { Controller, Get } from '@nestjs/common';
import { AuthUser, CurrentUser, Roles } from '@homestore/auth';
import { MessagesService, MessageView } from './messages.service';

@Roles('customer')
@Controller('messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** The caller's own notifications, newest first. */
  @Get()
  mine(@CurrentUser() user: AuthUser): Promise<MessageView[]> {
    return this.messages.of(user.id);
  }
}
