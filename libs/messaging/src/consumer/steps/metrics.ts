import type { MessagingMetrics } from '../../metrics';
import type { Step } from './step';

/** The metrics step: counts each event's outcome and times its handling, once the run has committed. */
export const measured =
  (metrics: MessagingMetrics): Step =>
  (next) =>
  async (d, run) => {
    const started = process.hrtime.bigint();
    const outcome = await next(d, run);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    run.work.afterCommit(() => {
      if (outcome === 'handled') metrics.handlerSeconds.observe(d.labels, seconds);
      metrics.consumed.inc({ ...d.labels, outcome });
    });
    return outcome;
  };
