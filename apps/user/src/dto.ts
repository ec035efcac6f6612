import { IsEmail, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

const PHONE = /^\+?\d[\d -]{5,22}\d$/;
const PHONE_MESSAGE = 'phone must be digits, spaces or dashes, optionally starting with +';
const NOT_BLANK = /\S/;

export class SignupBody {
  @IsEmail() @MaxLength(254) email: string;
  @IsString() @MinLength(8) @MaxLength(200) password: string;
  @IsString() @Matches(NOT_BLANK, { message: 'name must not be blank' }) @MaxLength(100) name: string;
  @IsString() @Matches(PHONE, { message: PHONE_MESSAGE }) phone: string;
}

export class LoginBody {
  @IsString() @IsNotEmpty() @MaxLength(254) email: string;
  @IsString() @IsNotEmpty() @MaxLength(200) password: string;
}

export class UpdateProfileBody {
  @IsOptional() @IsString() @Matches(NOT_BLANK, { message: 'name must not be blank' }) @MaxLength(100) name?: string;
  @IsOptional() @IsString() @Matches(PHONE, { message: PHONE_MESSAGE }) phone?: string;
}
