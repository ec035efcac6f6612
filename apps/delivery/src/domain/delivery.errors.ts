import { HttpStatus } from '@nestjs/common';
import { DomainError } from '@homestore/platform';

export const deliveryNotFound = () => new DomainError('DELIVERY.NOT_FOUND', 'No delivery for this order', HttpStatus.NOT_FOUND);

export const deliveryNotStarted = (status: string) =>
  new DomainError('DELIVERY.NOT_STARTED', `The delivery is not under way (${status}), so it cannot be completed`, HttpStatus.CONFLICT);
