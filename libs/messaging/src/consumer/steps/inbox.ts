import type { EntityManager } from 'typeorm';
import type { DecodedEvent, Step } from './step';

/**
 * Claims these events for the group in the inbox, with one insert: answers the eventIds (lower case) that were new.
 * The rows commit with the events' effects, so a redelivered event finds its row and has no second effect.
 */
export async function claimInbox(em: EntityManager, group: string, events: DecodedEvent[]): Promise<Set<string>> {
  const rows: { event_id: string }[] = await em.query(
    `INSERT INTO inbox (consumer_group, event_id, event_type)
     SELECT $1, * FROM unnest($2::uuid[], $3::text[]) ON CONFLICT DO NOTHING RETURNING event_id`,
    [group, events.map((d) => d.event.eventId), events.map((d) => d.event.eventType)],
  );
  return new Set(rows.map((r) => r.event_id.toLowerCase()));
}

/**
 * The inbox step: an event goes on only if the run's inbox insert claimed it, and only once (a message repeated
 * within the run is a duplicate like any other).
 */
export const inbox: Step = (next) => (d, run) => (run.claimed.delete(d.event.eventId.toLowerCase()) ? next(d, run) : Promise.resolve('duplicate'));
