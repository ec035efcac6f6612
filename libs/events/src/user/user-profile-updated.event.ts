import { IsEmail, IsNotEmpty, IsString, IsUUID } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';

/** The full contact snapshot after the change, so replicas need no earlier state. */
export class UserProfileUpdatedPayload {
  @IsUUID() userId: string;
  @IsEmail() email: string;
  @IsString() @IsNotEmpty() name: string;
  @IsString() @IsNotEmpty() phone: string;
}

export const UserProfileUpdated = defineEvent({
  type: 'UserProfileUpdated',
  version: 1,
  topic: Topics.User,
  producer: 'user',
  aggregateType: 'user',
  aggregateIdField: 'userId',
  keyField: 'userId',
  payload: UserProfileUpdatedPayload,
  description: "A customer changed their name or phone; carries the whole contact snapshot.",
});
