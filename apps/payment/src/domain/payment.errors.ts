import { DomainError } from '@homestore/domain';

export const paymentNotFound = () => new DomainError('PAYMENT.NOT_FOUND', 'No payment for this order');
