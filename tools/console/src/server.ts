import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { KafkaDriver } from '@homestore/messaging';
import { ALL_TOPICS } from '@homestore/events';
import { consumerLag, deadLetterTopics, followOrder, listDeadLetters, readTopic, replayDeadLetters } from '../../ops/src/operations';
import { ConsoleAccess } from './access';
import { deadLetterView, messageView, timeline } from './views';

/**
 * The developer console: one static page (page.html, plain JS) and a small JSON API over tools/ops' operations, the
 * same ones `npm run topics:tail`, `groups:lag`, `dlq:list`, `dlq:replay` and `saga:follow` run.
 *
 *   GET  /api/topics                      the contract's topics
 *   GET  /api/topics/<topic>?limit=N      its latest N messages (default 20), envelope decoded
 *   GET  /api/groups                      every consumer group's committed offset, end and lag per partition
 *   GET  /api/dead-letters                every dead letter with its reason
 *   POST /api/dead-letters/replay         {topic, partition, offset}: that letter back to its original topic
 *   GET  /api/orders/<orderId>/timeline   one order's saga as swimlanes
 */
export interface ConsoleOptions {
  driver: KafkaDriver;
  access: ConsoleAccess;
}

const PAGE = readFileSync(join(__dirname, 'page.html'));

class BadRequest extends Error {}

type Route = (driver: KafkaDriver, match: RegExpExecArray, req: IncomingMessage, url: URL) => Promise<unknown>;

const ROUTES: [method: string, path: RegExp, route: Route][] = [
  ['GET', /^\/api\/topics$/, async () => ({ topics: [...ALL_TOPICS].sort() })],
  [
    'GET',
    /^\/api\/topics\/([^/]+)$/,
    async (driver, [, topic], _req, url) => {
      if (!(ALL_TOPICS as readonly string[]).includes(topic)) throw new BadRequest(`${topic} is not a topic of the contract`);
      const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 20) || 20, 1), 500);
      const records = (await readTopic(driver, topic)).sort((a, b) => a.timestamp.localeCompare(b.timestamp));
      return { topic, messages: records.slice(-limit).reverse().map(messageView) };
    },
  ],
  ['GET', /^\/api\/groups$/, async (driver) => ({ partitions: await consumerLag(driver) })],
  ['GET', /^\/api\/dead-letters$/, async (driver) => ({ deadLetters: (await listDeadLetters(driver, await deadLetterTopics(driver))).map(deadLetterView) })],
  [
    'POST',
    /^\/api\/dead-letters\/replay$/,
    async (driver, _match, req) => {
      const { topic, partition, offset } = (await jsonBody(req)) as { topic?: unknown; partition?: unknown; offset?: unknown };
      if (typeof topic !== 'string' || !topic.endsWith('.dlq')) throw new BadRequest('topic must be a dead-letter topic (<topic>.<group>.dlq)');
      if (!Number.isInteger(partition) || typeof offset !== 'string' || !/^\d+$/.test(offset)) throw new BadRequest('partition (a number) and offset (a string of digits) are needed');
      const replayed = await replayDeadLetters(driver, topic, { offsets: [`${partition}:${offset}`] });
      return { replayed: replayed.map(deadLetterView) };
    },
  ],
  ['GET', /^\/api\/orders\/([\w-]{1,64})\/timeline$/, async (driver, [, orderId]) => timeline(orderId, await followOrder(driver, orderId))],
];

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString() || '{}');
  } catch {
    throw new BadRequest('the body is not JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function handle({ driver, access }: ConsoleOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://console');
  if (req.method === 'GET' && url.pathname === '/') {
    // The page holds no data: it asks the API, which checks the caller.
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'" });
    res.end(PAGE);
    return;
  }
  if (req.method === 'GET' && url.pathname === '/health/ready') return send(res, 200, { status: 'ok', needsToken: access.needsToken });
  const found = ROUTES.map(([method, path, route]) => [method, path.exec(url.pathname), route] as const).find(([, match]) => match);
  if (!found) return send(res, 404, { statusCode: 404, message: `no ${url.pathname}` });
  const [method, match, route] = found;
  if (req.method !== method) return send(res, 405, { statusCode: 405, message: `${url.pathname} answers ${method}` });
  const refusal = await access.refusal(req);
  if (refusal) return send(res, refusal.status, refusal.body);
  try {
    send(res, 200, await route(driver, match!, req, url));
  } catch (e) {
    if (e instanceof BadRequest) return send(res, 400, { statusCode: 400, message: e.message });
    send(res, 502, { statusCode: 502, message: `the broker: ${(e as Error).message}` });
  }
}

/** Starts the console on host:port (port 0: any free one); resolves once it listens. */
export async function startConsole(options: ConsoleOptions, host: string, port: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((e) => send(res, 500, { statusCode: 500, message: (e as Error).message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}` };
}
