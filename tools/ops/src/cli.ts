/**
 * Operator commands for the bus. Run through npm: `npm run topics:tail -- order.events.v1`, `npm run dlq:list`,
 * `npm run dlq:replay -- <dlq-topic> --all`, `npm run groups:lag`, `npm run saga:follow -- <orderId>`.
 */
import { driverFromEnv } from '@homestore/messaging';
import { BusRecord, consumerLag, deadLetterTopics, followOrder, listDeadLetters, readTopic, replayDeadLetters, tailTopic } from './operations';

const HELP: Record<string, string> = {
  tail: `npm run topics:tail -- <topic> [--from-beginning] [--to-end]
  Prints each message of <topic> as it arrives, its envelope decoded (type, key, partition@offset, ids, payload).
  --from-beginning  start at the oldest retained message      --to-end  print what is there now, then exit`,
  'dlq-list': `npm run dlq:list -- [--group <consumer-group>]
  Lists every dead letter (of one consumer group, or of all), with where it came from and why it failed.`,
  'dlq-replay': `npm run dlq:replay -- <dlq-topic> (--offset <[partition:]offset> ... | --all) [--type <eventType>] [--reason <regex>]
  Sends the chosen dead letters back to their original topic with their original key, value and headers.
  Groups that had handled an event skip it (inbox). Fix the cause first.`,
  lag: `npm run groups:lag -- [<consumer-group>]
  Committed offset, end offset and lag per partition, for one consumer group or all.`,
  saga: `npm run saga:follow -- <orderId>
  The timeline of one order across the order, payment, store, delivery and mileage topics and their dead letters.`,
};

class UsageError extends Error {}

function flag(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
}

function option(args: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = args.indexOf(name); i >= 0; i = args.indexOf(name)) {
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
    values.push(value);
    args.splice(i, 2);
  }
  return values;
}

function positional(args: string[], what: string): string {
  const value = args.shift();
  if (!value || value.startsWith('--')) throw new UsageError(`missing ${what}`);
  return value;
}

function noMore(args: string[]): void {
  if (args.length) throw new UsageError(`unexpected ${args.join(' ')}`);
}

function line(r: BusRecord): string {
  const where = `${r.topic}[${r.partition}]@${r.offset}`;
  if (!r.envelope) return `${r.timestamp} ${where} key=${r.key} UNDECODABLE (${r.undecodable}) ${r.value?.toString().slice(0, 200)}`;
  const e = r.envelope;
  return `${e.occurredAt} ${e.eventType} v${e.eventVersion} ${where} key=${r.key} by=${e.producer} eventId=${e.eventId} correlationId=${e.correlationId} causationId=${e.causationId} payload=${JSON.stringify(e.payload)}`;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || !(command in HELP)) {
    process.stderr.write(`usage:\n${Object.values(HELP).join('\n\n')}\n`);
    return command ? 2 : 0;
  }
  if (flag(args, '--help') || flag(args, '-h')) {
    process.stdout.write(`${HELP[command]}\n`);
    return 0;
  }
  const driver = driverFromEnv('homestore-ops');
  switch (command) {
    case 'tail': {
      const fromBeginning = flag(args, '--from-beginning');
      const toEnd = flag(args, '--to-end');
      const topic = positional(args, '<topic>');
      noMore(args);
      if (toEnd) {
        (await readTopic(driver, topic)).forEach((r) => console.log(line(r)));
        return 0;
      }
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      await tailTopic(driver, topic, fromBeginning, (r) => console.log(line(r)), stop.signal);
      return 0;
    }
    case 'dlq-list': {
      const [group] = option(args, '--group');
      noMore(args);
      const letters = await listDeadLetters(driver, await deadLetterTopics(driver, group));
      for (const l of letters) {
        console.log(
          `${l.topic}@${l.partition}:${l.offset} group=${l.group} from=${l.originalTopic}[${l.originalPartition}]@${l.originalOffset} ` +
            `type=${l.envelope?.eventType ?? l.headers.eventType ?? '?'} eventId=${l.envelope?.eventId ?? '?'} attempts=${l.attempts} ` +
            `failedAt=${l.failedAt} code=${l.errorCode} reason=${JSON.stringify(l.reason)}`,
        );
      }
      console.log(`${letters.length} dead letter(s)`);
      return 0;
    }
    case 'dlq-replay': {
      const offsets = option(args, '--offset');
      const all = flag(args, '--all');
      const [eventType] = option(args, '--type');
      const [reason] = option(args, '--reason');
      const dlqTopic = positional(args, '<dlq-topic>');
      noMore(args);
      if (!dlqTopic.endsWith('.dlq')) throw new UsageError(`${dlqTopic} is not a dead-letter topic (<topic>.<group>.dlq)`);
      if (!all && !offsets.length) throw new UsageError('say which: --offset <[partition:]offset> (repeatable) or --all');
      const replayed = await replayDeadLetters(driver, dlqTopic, { offsets, eventType, reason: reason ? new RegExp(reason) : undefined });
      replayed.forEach((l) => console.log(`replayed ${l.topic}@${l.partition}:${l.offset} -> ${l.originalTopic} (key ${l.key})`));
      console.log(`${replayed.length} dead letter(s) replayed`);
      return replayed.length || all ? 0 : 1;
    }
    case 'lag': {
      const group = args.shift();
      noMore(args);
      const rows = await consumerLag(driver, group);
      for (const r of rows) console.log(`${r.group.padEnd(24)} ${r.topic.padEnd(36)} [${r.partition}] committed=${r.committed} end=${r.end} lag=${r.lag}`);
      if (group && !rows.length) {
        console.error(`no committed offsets for group ${group}`);
        return 1;
      }
      return 0;
    }
    case 'saga': {
      const orderId = positional(args, '<orderId>');
      noMore(args);
      const timeline = await followOrder(driver, orderId);
      timeline.forEach((r) => console.log(line(r)));
      console.log(`${timeline.length} event(s) for order ${orderId}`);
      return timeline.length ? 0 : 1;
    }
  }
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(e instanceof UsageError ? `${e.message}\n(--help for usage)\n` : `failed: ${(e as Error).message}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
