import { inspect } from 'node:util';
import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { DestinationStream, Level, Logger as Pino, pino } from 'pino';
import { currentLogContext } from './log-context';

/** What a service's log settings are made of (ServiceConfig has both). */
export interface LogSettings {
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  LOG_FORMAT: 'json' | 'pretty';
}

/** Nest's levels, most severe first: LOG_LEVEL names the last one written. */
const NEST_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Nest's level names as pino writes them: the names log tooling knows (Nest's log is everyone else's info). */
const PINO_LEVELS: Record<LogLevel, Level> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/** The Nest levels a LOG_LEVEL lets through: itself and every more severe one. */
export function levelsUpTo(level: LogSettings['LOG_LEVEL']): LogLevel[] {
  return NEST_LEVELS.slice(0, NEST_LEVELS.indexOf(level) + 1);
}

/**
 * Nest's logger for one service, writing through pino. Once it is the app's logger, every `new Logger(context)` of
 * the code, Nest's own lines and kafkajs' (libs/messaging's logCreator) end here unchanged. It keeps ConsoleLogger's
 * reading of the arguments (the context last, an error's stack) and its level switch (`Logger.overrideLogger`, which
 * the tests use to stay quiet); only the writing differs: one line per message with service, level, time, msg,
 * context, and the ids of the request or event being handled (currentLogContext).
 */
export class ServiceLogger extends ConsoleLogger {
  constructor(
    private readonly out: Pino,
    logLevels: LogLevel[],
  ) {
    super({ logLevels });
  }

  protected override printMessages(messages: unknown[], context = '', logLevel: LogLevel = 'log', _stream?: 'stdout' | 'stderr', errorStack?: unknown): void {
    const write = this.out[PINO_LEVELS[logLevel]].bind(this.out);
    for (const message of messages) {
      const { fields, msg } = lineOf(message);
      // An error's stack goes where pino puts an Error's (err.stack), which pino-pretty prints as a stack.
      write({ ...(context ? { context } : {}), ...(errorStack === undefined ? {} : { err: { stack: errorStack } }), ...fields }, msg);
    }
  }

  /** The stack is a field of the line it belongs to, never a line of its own. */
  protected override printStackTrace(): void {}
}

/**
 * A message as fields and text: a string is the text; an Error its message, itself under `err` (type, message,
 * stack); a plain object its `msg` (or `message`) and the rest as fields, so that code can log structured facts
 * (kafkajs' broker, group, error); anything else as Node prints it.
 */
function lineOf(message: unknown): { fields: object; msg: string } {
  if (typeof message === 'string') return { fields: {}, msg: message };
  if (message instanceof Error) return { fields: { err: message }, msg: message.message };
  if (message !== null && typeof message === 'object' && Object.getPrototypeOf(message) === Object.prototype) {
    const { msg, message: text, ...fields } = message as Record<string, unknown>;
    return { fields, msg: String(msg ?? text ?? '') };
  }
  return { fields: {}, msg: inspect(message) };
}

/**
 * A person's view of the same lines: time, level, [context] message, then the line's other fields on the same line.
 * Each line is rewritten as it is written (pino-pretty's formatter, not its stream), so it stays synchronous.
 */
function forPeople(destination: DestinationStream): DestinationStream {
  // Required here, not at import: processes that log JSON (every one but npm start's) never load it.
  const { prettyFactory } = require('pino-pretty') as typeof import('pino-pretty');
  const prettify = prettyFactory({
    // As Nest does: colours unless NO_COLOR (npm start sets it when its own output is no terminal).
    colorize: !process.env.NO_COLOR,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // npm start puts the app's name before each line; the context goes before the message.
    ignore: 'service,context',
    messageFormat: '{if context}[{context}] {end}{msg}',
  });
  return { write: (line: string) => destination.write(prettify(line)) };
}

/**
 * The logger of a service, for NestFactory.create's `logger` option: JSON lines on stdout, or readable ones when
 * LOG_FORMAT=pretty. Writes are synchronous, so that the last line before a process.exit is not lost. `destination`
 * is where the lines go (tests collect them).
 */
export function createServiceLogger(service: string, settings: LogSettings, destination: DestinationStream = pino.destination({ dest: 1, sync: true })): ServiceLogger {
  const out = pino(
    {
      base: { service },
      // Nest's level switch decides what is written; pino writes whatever reaches it.
      level: 'trace',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: currentLogContext,
    },
    settings.LOG_FORMAT === 'pretty' ? forPeople(destination) : destination,
  );
  return new ServiceLogger(out, levelsUpTo(settings.LOG_LEVEL));
}
