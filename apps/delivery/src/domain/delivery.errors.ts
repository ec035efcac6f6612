import { DomainError } from '@homestore/domain';

export const deliveryNotFound = () => new DomainError('DELIVERY.NOT_FOUND', 'No delivery for this order');

export const deliveryNotStarted = (status: string) => new DomainError('DELIVERY.NOT_STARTED', `The delivery is not under way (${status}), so it cannot be completed`);
