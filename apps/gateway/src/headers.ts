import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Headers of one connection, not of the message (RFC 9110 §7.6.1), plus those the gateway sets itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

/** Recomputed or replaced by the gateway on the way to a service. */
const REPLACED = new Set(['host', 'content-length', 'expect', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip']);

/**
 * Headers some proxies use to tell a service who the caller is. The caller is only ever who the access token
 * says, so a client must not be able to send any of these through.
 */
const IDENTITY = /^(x[-_](user|auth|authenticated|forwarded[-_]user|remote[-_]user|role|roles|principal|jwt|consumer|client[-_]role)([-_].*)?|remote[-_]user)$/;

/** True for header names a client may not pass through the gateway as identity. */
export function isIdentityHeader(name: string): boolean {
  return IDENTITY.test(name.toLowerCase());
}

function connectionListed(headers: IncomingHttpHeaders): Set<string> {
  const value = headers.connection;
  return new Set((value ?? '').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));
}

export interface ForwardedContext {
  requestId: string;
  correlationId: string;
  traceparent: string;
  clientIp: string;
  host?: string;
  proto: string;
}

/** The headers sent to a service: the client's, less hop-by-hop and identity headers, plus ids and X-Forwarded-*. */
export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, ctx: ForwardedContext): OutgoingHttpHeaders {
  const listed = connectionListed(incoming);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || HOP_BY_HOP.has(name) || REPLACED.has(name) || listed.has(name) || isIdentityHeader(name)) continue;
    out[name] = value;
  }
  out['x-request-id'] = ctx.requestId;
  out['x-correlation-id'] = ctx.correlationId;
  out.traceparent = ctx.traceparent;
  out['x-forwarded-for'] = ctx.clientIp;
  out['x-forwarded-proto'] = ctx.proto;
  if (ctx.host) out['x-forwarded-host'] = ctx.host;
  return out;
}

/** The headers of a service's answer passed on to the client: all but hop-by-hop ones. */
export function clientResponseHeaders(upstream: IncomingHttpHeaders): OutgoingHttpHeaders {
  const listed = connectionListed(upstream);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    out[name] = value;
  }
  return out;
}
