import type { ConsumedMessage } from '../driver/port';
import { UnitOfWork } from '@homestore/persistence';
import { crashPoint } from '../crash-points';
import type { MessagingMetrics } from '../metrics';
import { EventContext } from './event-context';
import { inLanes } from './lanes';
import type { OwnConnection } from './own-connection';
import { DatabaseUnavailableError } from './retry-policy';
import { correlation } from './steps/correlation';
import { claimInbox, inbox } from './steps/inbox';
import { measured } from './steps/metrics';
import { chain, Decoded, DecodedEvent, EventHandler, Run } from './steps/step';

/** A run committed (true), or failed as a whole, naming the record whose handler threw if one did. */
export type RunOutcome = true | { culprit?: ConsumedMessage; error?: unknown };

/** The last step: the event's own handler, with its context. */
const invokeHandler: EventHandler = async (d, run) => {
  await d.handler.handle(d.event, new EventContext([run.work, d.message, d.topic, d.partition, d.labels.group]));
  return 'handled';
};

/**
 * Handles a run of records in one database transaction of the group's own connection: one insert claims the new
 * events in the inbox, then each goes through the chain of steps (metrics, inbox, correlation) to its handler, the
 * events of one key in order and the keys side by side, all in one unit of work, flushed before the commit.
 */
export class RunTransaction {
  private readonly handle: EventHandler;

  constructor(
    private readonly group: string,
    private readonly connection: OwnConnection,
    private readonly metrics: MessagingMetrics,
  ) {
    this.handle = chain([measured(metrics), inbox, correlation], invokeHandler);
  }

  /** True once committed; otherwise nothing of it stays, and the answer names the record whose handler failed. */
  async run(records: Decoded[]): Promise<RunOutcome> {
    const events = records.filter((d): d is DecodedEvent => !!d.event && !!d.handler);
    const failure: { culprit?: ConsumedMessage; error?: unknown } = {};
    try {
      if (events.length) await this.transaction(events, failure);
    } catch (e) {
      // When the database went away, no record of the run is to blame.
      return e instanceof DatabaseUnavailableError || !failure.culprit ? { error: e } : failure;
    }
    crashPoint('consumer:after-commit-before-offset');
    for (const d of records) if (!d.handler) this.metrics.consumed.inc({ ...d.labels, outcome: 'skipped' });
    return true;
  }

  /** One event on its own, in a transaction of its own; throws what its handler threw. */
  async one(d: DecodedEvent): Promise<void> {
    const outcome = await this.run([d]);
    if (outcome !== true) throw outcome.error;
  }

  private async transaction(events: DecodedEvent[], failure: { culprit?: ConsumedMessage; error?: unknown }): Promise<void> {
    let work!: UnitOfWork;
    await this.connection.transaction(async (em) => {
      work = new UnitOfWork(em);
      const run: Run = { work, claimed: await claimInbox(em, this.group, events) };
      await inLanes(events, lanesOf, async (d) => {
        try {
          await this.handle(d, run);
        } catch (error) {
          if (!failure.culprit) Object.assign(failure, { culprit: d.message, error });
          throw error;
        }
      });
      await work.flush();
    });
    work.committed();
  }
}

/**
 * Events of one key (one aggregate) are handled in order, and so are the events of one order: an order's events come
 * from topics keyed differently (mileage's by customer), and its saga handlers must see them one at a time. A record
 * with neither is a lane of its own.
 */
function lanesOf(d: DecodedEvent): string[] {
  const keys = d.message.key ? [`k:${d.message.key.toString('latin1')}`] : [];
  if (d.event.orderId) keys.push(`o:${d.event.orderId}`);
  return keys.length ? keys : [`r:${d.topic}:${d.partition}:${d.message.offset}`];
}
