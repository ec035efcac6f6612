/**
 * kafkajs 2.2.4 keeps every broker connection's request queue polling itself on a ~1 ms timer forever once it has
 * answered one request, even with nothing pending (tulios/kafkajs#1556, #1704; the fix, PR #1667, was never
 * released). With a producer, an admin and a consumer per group in each of seven apps, that is tens of thousands of
 * wake-ups a second on an idle shop, and on a 2-core machine it took CPU from everything else.
 *
 * The queue only needs that timer while requests wait (throttled, or too many in flight); an answer to an in-flight
 * request checks the queue anyway, and a new pending request schedules a check. So: no timer while nothing waits.
 * Imported by kafka.ts, which every Kafka client of the project comes from.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as {
  prototype: { pending: unknown[]; scheduleCheckPendingRequests: (this: { pending: unknown[] }) => void };
};

const schedule = RequestQueue.prototype.scheduleCheckPendingRequests;
if (typeof schedule !== 'function') throw new Error('kafkajs changed: RequestQueue.scheduleCheckPendingRequests is gone (see kafkajs-idle-fix.ts)');

RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleWhileWaiting(this: { pending: unknown[] }) {
  if (this.pending.length === 0) return;
  schedule.call(this);
};

export {};
