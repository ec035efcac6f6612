/**
 * `npm run saga:overdue`: the orders whose saga is overdue (SAGA_DEADLINES), longest first, and what happens to each:
 * a PENDING one is canceled by the order app's next deadline check; any other needs an operator (follow it with
 * `npm run saga:follow -- <orderId>`, look for its dead letters with `npm run dlq:list`). Reads the order database
 * (DATABASE_URL, DATABASE_NAME); exits 0 when none is overdue, 2 when some are, 1 on an error.
 */
import { DataSource } from 'typeorm';
import { databaseUrl, dataSourceOptions } from '@homestore/persistence';
import { loadConfig } from '@homestore/platform';
import { onOverdue, parseSagaDeadlines } from './domain/saga-deadlines';
import { OverdueOrders } from './infrastructure/overdue-orders';
import { OrderConfig } from './order.config';

const HELP = `Usage: npm run saga:overdue [-- --limit N]

Lists the orders that stayed in an open status (PENDING, PAID, RECEIVED, ACCEPTED, SHIPPING, CANCELING) longer
than SAGA_DEADLINES allows, the longest overdue first. Exit code 0: none; 2: some are overdue; 1: an error.`;

/** 1h 2m 3s */
function duration(seconds: number): string {
  const s = Math.floor(seconds);
  const parts = [[Math.floor(s / 86400), 'd'], [Math.floor((s % 86400) / 3600), 'h'], [Math.floor((s % 3600) / 60), 'm'], [s % 60, 's']] as const;
  return parts.filter(([n]) => n > 0).map(([n, u]) => `${n}${u}`).join(' ') || '0s';
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const limitAt = argv.indexOf('--limit');
  const limit = limitAt >= 0 ? Number(argv[limitAt + 1]) : 200;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit must be a positive integer, not ${argv[limitAt + 1]}`);
  const config = loadConfig('order', OrderConfig);
  const deadlines = parseSagaDeadlines(config.SAGA_DEADLINES);
  const dataSource = new DataSource(dataSourceOptions({ url: databaseUrl(config.DATABASE_URL, config.DATABASE_NAME ?? 'homestore_order'), entities: [], migrations: [] }));
  await dataSource.initialize();
  try {
    const orders = new OverdueOrders();
    const overdue = await orders.list(dataSource.manager, deadlines, limit);
    const counts = await orders.countByStatus(dataSource.manager, deadlines);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    process.stdout.write(`deadlines: ${config.SAGA_DEADLINES}\n`);
    if (!total) {
      process.stdout.write('no order is overdue\n');
      return 0;
    }
    process.stdout.write(`${total} order(s) overdue: ${Object.entries(counts).filter(([, n]) => n).map(([s, n]) => `${s} ${n}`).join(', ')}\n\n`);
    process.stdout.write(`${'order'.padEnd(36)}  ${'status'.padEnd(9)}  ${'since (UTC)'.padEnd(20)}  ${'overdue by'.padEnd(12)}  what happens\n`);
    for (const o of overdue) {
      const what = onOverdue(o.status) === 'cancel' ? 'canceled at the next check (payment never answered)' : 'needs an operator: npm run saga:follow -- <order>';
      process.stdout.write(`${o.id}  ${o.status.padEnd(9)}  ${o.since.toISOString().slice(0, 19).padEnd(20)}  ${duration(o.overdueSeconds).padEnd(12)}  ${what}\n`);
    }
    if (total > overdue.length) process.stdout.write(`… and ${total - overdue.length} more (--limit)\n`);
    return 2;
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`saga:overdue: ${e.message}\n`);
      process.exit(1);
    },
  );
}
