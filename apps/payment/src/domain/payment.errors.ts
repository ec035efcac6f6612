import { HttpStatus } from '@nestjs/common';
import { DomainError } from '@homestore/platform';

export const paymentNotFound = () => new DomainError('PAYMENT.NOT_FOUND', 'No payment for this order', HttpStatus.NOT_FOUND);
