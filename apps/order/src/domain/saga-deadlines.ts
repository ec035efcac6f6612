/**
 * How long an order may stay in each status before its saga is overdue (a participant lost, an event poisoned), and
 * what is done then. Only an unpaid order is canceled by its deadline: nothing was done yet that the choreography
 * cannot undo, as for a customer's cancel. In the other statuses money was taken or stock and a delivery are under
 * way: the order is reported to the operators, not guessed at.
 */
import type { OrderStatus } from './order';

export const OPEN_STATUSES = ['PENDING', 'PAID', 'RECEIVED', 'ACCEPTED', 'SHIPPING', 'CANCELING'] as const satisfies readonly OrderStatus[];
export type OpenStatus = (typeof OPEN_STATUSES)[number];

/** Milliseconds an order may stay in each open status. */
export type SagaDeadlines = Record<OpenStatus, number>;

/** What happens to an order overdue in a status. */
export type OverdueAction = 'cancel' | 'report';

export const DEFAULT_SAGA_DEADLINES = 'PENDING=2m,PAID=2m,RECEIVED=24h,ACCEPTED=2m,SHIPPING=7d,CANCELING=10m';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Reads `STATUS=duration,...` (durations like 90s, 2m, 24h, 7d): every open status must have one. Throws with what
 * is wrong.
 */
export function parseSagaDeadlines(text: string): SagaDeadlines {
  const deadlines: Partial<SagaDeadlines> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([A-Z]+)=(\d+)(ms|s|m|h|d)$/.exec(part);
    if (!match) throw new Error(`"${part}" is not STATUS=<number><ms|s|m|h|d>`);
    const [, status, amount, unit] = match;
    if (!(OPEN_STATUSES as readonly string[]).includes(status)) throw new Error(`${status} is not an open status (${OPEN_STATUSES.join(', ')})`);
    const ms = Number(amount) * UNITS[unit];
    if (ms < 1000) throw new Error(`${status}: a deadline under a second would cancel orders that are merely busy`);
    deadlines[status as OpenStatus] = ms;
  }
  const missing = OPEN_STATUSES.filter((s) => deadlines[s] === undefined);
  if (missing.length) throw new Error(`no deadline for ${missing.join(', ')}`);
  return deadlines as SagaDeadlines;
}

/** Only an order whose payment never answered is canceled; in every other status an operator decides. */
export function onOverdue(status: OpenStatus): OverdueAction {
  return status === 'PENDING' ? 'cancel' : 'report';
}
