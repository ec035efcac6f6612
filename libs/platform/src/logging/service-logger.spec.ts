import { Logger } from '@nestjs/common';
import { logContextFrom } from './log-context';
import { createServiceLogger, LogSettings } from './service-logger';

/** Makes the service's logger the one behind every `new Logger(...)`, as runService does; answers what it writes. */
function serviceLogs(settings: Partial<LogSettings> = {}, service = 'order'): string[] {
  const written: string[] = [];
  Logger.overrideLogger(createServiceLogger(service, { LOG_LEVEL: 'log', LOG_FORMAT: 'json', ...settings }, { write: (s: string) => void written.push(s) }));
  return written;
}

const parsed = (written: string[]) => written.map((line) => JSON.parse(line));

describe('ServiceLogger: one JSON line per message, through every new Logger(...)', () => {
  let ids: object | undefined;
  beforeAll(() => logContextFrom(() => ids));
  afterEach(() => (ids = undefined));

  it('writes service, level, time, msg and the Nest context, each line ending in a newline', () => {
    const written = serviceLogs();
    new Logger('OrderSaga').log('order placed');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\{.*\}\n$/);
    const [line] = parsed(written);
    expect(line).toEqual({ service: 'order', level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), msg: 'order placed', context: 'OrderSaga' });
  });

  it("names Nest's levels as pino does, and LOG_LEVEL keeps its meaning: the named level and every more severe one", () => {
    const written = serviceLogs({ LOG_LEVEL: 'warn' });
    const logger = new Logger('Probe');
    logger.verbose('v');
    logger.debug('d');
    logger.log('l');
    logger.warn('w');
    logger.error('e');
    logger.fatal('f');
    expect(parsed(written).map((l) => [l.level, l.msg])).toEqual([['warn', 'w'], ['error', 'e'], ['fatal', 'f']]);

    const everything = serviceLogs({ LOG_LEVEL: 'verbose' });
    logger.verbose('v');
    logger.debug('d');
    logger.log('l');
    expect(parsed(everything).map((l) => l.level)).toEqual(['trace', 'debug', 'info']);
  });

  it("still obeys Logger.overrideLogger(levels), as the tests' quiet-logs setup does", () => {
    const written = serviceLogs({ LOG_LEVEL: 'verbose' });
    Logger.overrideLogger(['error', 'warn']);
    new Logger('Probe').log('chatter');
    new Logger('Probe').warn('worth seeing');
    expect(parsed(written).map((l) => l.msg)).toEqual(['worth seeing']);
  });

  it("carries the ids of the request or event being handled, and only while it is handled", () => {
    const written = serviceLogs();
    ids = { requestId: 'req-1', correlationId: 'flow-1', causationId: 'req-1', traceId: 'a'.repeat(32), orderId: undefined };
    new Logger('OrdersController').log('placing');
    ids = undefined;
    new Logger('OrdersController').log('idle');
    const [inside, outside] = parsed(written);
    expect(inside).toMatchObject({ msg: 'placing', requestId: 'req-1', correlationId: 'flow-1', causationId: 'req-1', traceId: 'a'.repeat(32) });
    expect(Object.keys(inside)).not.toContain('orderId');
    expect(outside).toEqual({ service: 'order', level: 'info', time: expect.any(String), msg: 'idle', context: 'OrdersController' });
  });

  it('leaves the context it reads as it was', () => {
    serviceLogs();
    const context = { correlationId: 'flow-2' };
    ids = context;
    new Logger('Probe').log('x', { extra: 1 });
    expect(context).toEqual({ correlationId: 'flow-2' });
  });

  it("puts an error's stack on its line, under err.stack, and an Error as pino does (type, message, stack)", () => {
    const written = serviceLogs();
    const error = new Error('connection refused');
    new Logger('OutboxRelay').error('cannot publish', error.stack);
    new Logger('OutboxRelay').error(error);
    new Logger('OutboxRelay').error('no stack');
    const [withStack, anError, plain] = parsed(written);
    expect(withStack).toMatchObject({ level: 'error', msg: 'cannot publish', context: 'OutboxRelay', err: { stack: error.stack } });
    expect(anError).toMatchObject({ level: 'error', msg: 'connection refused', err: { type: 'Error', message: 'connection refused', stack: error.stack } });
    expect(plain).toEqual({ service: 'order', level: 'error', time: expect.any(String), msg: 'no stack', context: 'OutboxRelay' });
  });

  it('writes a plain object as fields, its msg the text; anything else as Node prints it', () => {
    const written = serviceLogs();
    new Logger('kafkajs').warn({ msg: 'Connection timeout', broker: '127.0.0.1:9092', groupId: 'payment' });
    new Logger('Probe').log([1, 2]);
    const [fields, other] = parsed(written);
    expect(fields).toMatchObject({ level: 'warn', context: 'kafkajs', msg: 'Connection timeout', broker: '127.0.0.1:9092', groupId: 'payment' });
    expect(other.msg).toBe('[ 1, 2 ]');
  });

  it('LOG_FORMAT=pretty: one readable line per message (time, level, [context] message, the ids after it)', () => {
    const noColor = process.env.NO_COLOR;
    process.env.NO_COLOR = '1';
    try {
      const written = serviceLogs({ LOG_FORMAT: 'pretty' });
      ids = { correlationId: 'flow-3', orderId: 'order-3' };
      new Logger('OrderSaga').log('order paid');
      const text = written.join('');
      expect(text.trimEnd().split('\n')).toHaveLength(1);
      expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[OrderSaga\] order paid .*"correlationId":"flow-3".*"orderId":"order-3"/);
      expect(text).not.toMatch(/"service"|"context"|"level"/);
    } finally {
      if (noColor === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = noColor;
    }
  });
});
