import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OPEN_STATUSES, OpenStatus, SagaDeadlines } from '../domain/saga-deadlines';

/** An order that has stayed in an open status longer than its deadline. */
export interface OverdueOrder {
  id: string;
  customerId: string;
  status: OpenStatus;
  since: Date;
  overdueSeconds: number;
}

/** The orders whose saga is overdue: each open status's orders that have been in it longer than its deadline. */
@Injectable()
export class OverdueOrders {
  /** Orders that have stayed in an open status longer than its deadline, the longest overdue first (at most `limit`). */
  async list(em: EntityManager, deadlines: SagaDeadlines, limit: number): Promise<OverdueOrder[]> {
    const rows: { id: string; customer_id: string; status: OpenStatus; status_since: Date; overdue_seconds: number }[] = await em.query(
      `SELECT o.id, o.customer_id, o.status, o.status_since, EXTRACT(EPOCH FROM now() - o.status_since)::float - d.seconds AS overdue_seconds
       FROM unnest($1::text[], $2::float[]) AS d(status, seconds)
       JOIN orders o ON o.status = d.status AND o.status_since < now() - make_interval(secs => d.seconds)
       ORDER BY overdue_seconds DESC LIMIT $3`,
      [OPEN_STATUSES, OPEN_STATUSES.map((s) => deadlines[s] / 1000), limit],
    );
    return rows.map((r) => ({ id: r.id, customerId: r.customer_id, status: r.status, since: r.status_since, overdueSeconds: r.overdue_seconds }));
  }

  /**
   * How many orders are in each open status now, overdue or not: where the sagas in flight stand. Only the open
   * orders are read (the partial index orders_open_since has exactly this predicate), never the finished ones.
   */
  async countOpenByStatus(em: EntityManager): Promise<Record<OpenStatus, number>> {
    const rows: { status: OpenStatus; n: number }[] = await em.query(
      `SELECT status, count(*)::int AS n FROM orders WHERE status NOT IN ('DELIVERED', 'REJECTED', 'CANCELED') GROUP BY status`,
    );
    const counts = Object.fromEntries(OPEN_STATUSES.map((s) => [s, 0])) as Record<OpenStatus, number>;
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  }

  /** How many orders are overdue in each open status. */
  async countByStatus(em: EntityManager, deadlines: SagaDeadlines): Promise<Record<OpenStatus, number>> {
    const rows: { status: OpenStatus; n: number }[] = await em.query(
      `SELECT o.status, count(*)::int AS n FROM unnest($1::text[], $2::float[]) AS d(status, seconds)
       JOIN orders o ON o.status = d.status AND o.status_since < now() - make_interval(secs => d.seconds)
       GROUP BY o.status`,
      [OPEN_STATUSES, OPEN_STATUSES.map((s) => deadlines[s] / 1000)],
    );
    const counts = Object.fromEntries(OPEN_STATUSES.map((s) => [s, 0])) as Record<OpenStatus, number>;
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  }
}
