/** What POST /orders and POST /cart/checkout share over HTTP: the Idempotency-Key header and the answer. */
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '@homestore/domain';
import type { OrderView } from '../infrastructure/order.repository';

const MAX_IDEMPOTENCY_KEY = 200;

/** The request's `Idempotency-Key` header, if any: 1 to 200 characters (400 `ORDER.INVALID_IDEMPOTENCY_KEY` otherwise). */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const key = ctx.switchToHttp().getRequest<Request>().headers['idempotency-key'];
  if (key !== undefined && (typeof key !== 'string' || !key.trim() || key.length > MAX_IDEMPOTENCY_KEY)) {
    throw new DomainError('ORDER.INVALID_IDEMPOTENCY_KEY', `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY} characters`);
  }
  return key;
});

/** The answer to placing an order: the order as placed (PENDING), also when a retry with the same key finds it. */
export const placedOrder = ({ id, items, totalAmount, pointsUsed, amountDue, createdAt }: OrderView) => ({
  id,
  status: 'PENDING',
  items,
  totalAmount,
  pointsUsed,
  amountDue,
  createdAt: createdAt.toISOString(),
});
