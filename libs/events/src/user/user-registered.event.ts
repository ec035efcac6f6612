import { IsEmail, IsIn, IsNotEmpty, IsString, IsUUID } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';

export class UserRegisteredPayload {
  @IsUUID() userId: string;
  @IsEmail() email: string;
  @IsString() @IsNotEmpty() name: string;
  @IsString() @IsNotEmpty() phone: string;
  @IsIn(['customer', 'store']) role: 'customer' | 'store';
}

export const UserRegistered = defineEvent({
  type: 'UserRegistered',
  version: 1,
  topic: Topics.User,
  producer: 'user',
  aggregateType: 'user',
  aggregateIdField: 'userId',
  keyField: 'userId',
  payload: UserRegisteredPayload,
  description: 'A person signed up (or the store clerk account was created) and can now log in.',
});
