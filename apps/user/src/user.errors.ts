import { DomainError } from '@homestore/domain';

export const emailTaken = () => new DomainError('USER.EMAIL_TAKEN', 'An account with this email already exists');

/** The same answer for an unknown email and a wrong password. */
export const invalidCredentials = () => new DomainError('AUTH.INVALID_CREDENTIALS', 'Email or password is wrong');

export const userNotFound = () => new DomainError('USER.NOT_FOUND', 'No such user');
