import './kafkajs-idle-fix';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue');

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const newQueue = () =>
  new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'test', broker: 'b:9092', logger: silent });

describe('kafkajs request queue (kafkajs-idle-fix)', () => {
  afterEach(() => jest.useRealTimers());

  it('schedules no timer when nothing waits', () => {
    jest.useFakeTimers();
    const queue = newQueue();
    queue.checkPendingRequests(); // what kafkajs does after every answer
    expect(queue.throttleCheckTimeoutId).toBeFalsy();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('still checks again later for a request that waits while the broker throttles', () => {
    jest.useFakeTimers();
    const queue = newQueue();
    const sent: unknown[] = [];
    queue.throttledUntil = Date.now() + 100;
    queue.pending.push({ send: () => sent.push('sent'), expectResponse: true, correlationId: 1 });
    queue.scheduleCheckPendingRequests();
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(150);
    expect(sent).toEqual(['sent']);
    expect(jest.getTimerCount()).toBe(0);
  });
});
