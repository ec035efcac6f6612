import { MessageContext, RequestHeaders } from '@homestore/messaging';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

/** What the gateway settles about a request before anything else: its ids and its client. (Its trace is its span's.) */
export interface EdgeContext {
  requestId: string;
  correlationId: string;
  clientIp: string;
}

/** Ids a client may choose; anything else is replaced, so logs and event headers stay clean. */
const CLIENT_ID = /^[\w.:@-]{1,128}$/;

/** The client's request and correlation ids when usable (else new ones), and its IP. */
export function edgeContext(req: { headers: IncomingHttpHeaders; socket: Pick<Socket, 'remoteAddress'> }, trustedProxyHops: number): EdgeContext {
  const requestId = clientId(req.headers[RequestHeaders.requestId]) ?? randomUUID();
  return {
    requestId,
    correlationId: clientId(req.headers[RequestHeaders.correlationId]) ?? requestId,
    clientIp: clientIp(req, trustedProxyHops),
  };
}

/** The peer address, or with `hops` trusted proxies in front, the address the outermost trusted one saw. */
export function clientIp(req: { headers: IncomingHttpHeaders; socket: Pick<Socket, 'remoteAddress'> }, hops: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (hops === 0) return peer;
  const forwarded = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const chain = [peer, ...forwarded.reverse()];
  return chain[Math.min(hops, chain.length - 1)];
}

function clientId(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && CLIENT_ID.test(value) ? value : undefined;
}

/** The request's ids as the message context every log line reads them from (its trace id is its span's). */
export function flowOf(edge: EdgeContext): Omit<MessageContext, 'traceId'> {
  return { requestId: edge.requestId, correlationId: edge.correlationId, causationId: edge.requestId };
}
