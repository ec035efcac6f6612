import { MessageContext, RequestHeaders, traceIdOf } from '@homestore/messaging';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

/** What the gateway settles about a request before anything else: its ids, its trace and its client. */
export interface EdgeContext {
  requestId: string;
  correlationId: string;
  traceparent: string;
  clientIp: string;
}

/** Ids a client may choose; anything else is replaced, so logs and event headers stay clean. */
const CLIENT_ID = /^[\w.:@-]{1,128}$/;

/** The client's request and correlation ids when usable (else new ones), its traceparent (else a new trace), and its IP. */
export function edgeContext(req: { headers: IncomingHttpHeaders; socket: Pick<Socket, 'remoteAddress'> }, trustedProxyHops: number): EdgeContext {
  const requestId = clientId(req.headers[RequestHeaders.requestId]) ?? randomUUID();
  const incomingTrace = req.headers[RequestHeaders.traceparent];
  return {
    requestId,
    correlationId: clientId(req.headers[RequestHeaders.correlationId]) ?? requestId,
    traceparent: typeof incomingTrace === 'string' && traceIdOf(incomingTrace) ? incomingTrace : newTraceparent(),
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

/** A W3C traceparent starting a trace; random UUIDs come from a pooled source, cheaper per request than randomBytes. */
function newTraceparent(): string {
  const hex = () => randomUUID().replace(/-/g, '');
  return `00-${hex()}-${hex().slice(16)}-01`;
}

function clientId(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && CLIENT_ID.test(value) ? value : undefined;
}

/** The request's ids as the message context every log line reads them from. */
export function flowOf(edge: EdgeContext): MessageContext {
  return { requestId: edge.requestId, correlationId: edge.correlationId, causationId: edge.requestId, traceId: traceIdOf(edge.traceparent)! };
}
