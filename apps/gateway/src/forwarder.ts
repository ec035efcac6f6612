import http, { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';

export interface UpstreamRequest {
  method: string;
  /** Path and query, e.g. `/orders?status=PAID`. */
  path: string;
  headers: OutgoingHttpHeaders;
  body?: Buffer;
}

/** The upstream did not answer in time. */
export class UpstreamTimeout extends Error {
  override name = 'UpstreamTimeout';
}

/** No answer could be had: refused, reset, unknown host... */
export class UpstreamUnreachable extends Error {
  override name = 'UpstreamUnreachable';

  /** Nothing was sent: no process listens at the address. */
  get refused(): boolean {
    return this.message === 'ECONNREFUSED';
  }
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Sends requests to the services over kept-alive connections. The timeout covers the whole exchange: a
 * response whose body stalls past it is cut off.
 */
export class Forwarder {
  private readonly agents = {
    // Idle sockets are dropped after 30 s, before the upstream's keep-alive timeout (65 s, libs/platform) closes them.
    'http:': new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo', timeout: 30_000 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo', timeout: 30_000 }),
  };

  /** Resolves with the upstream's response once its status and headers have arrived. */
  send(base: URL, request: UpstreamRequest, timeoutMs: number): Promise<IncomingMessage> {
    return this.attempt(base, request, timeoutMs, IDEMPOTENT.has(request.method));
  }

  close(): void {
    for (const agent of Object.values(this.agents)) agent.destroy();
  }

  private attempt(base: URL, request: UpstreamRequest, timeoutMs: number, mayRetry: boolean): Promise<IncomingMessage> {
    const { method, body } = request;
    const headers = { ...request.headers };
    if (body) headers['content-length'] = body.length;
    else if (!IDEMPOTENT.has(method)) headers['content-length'] = 0;
    const client = base.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.request({
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port,
        method,
        path: base.pathname.replace(/\/$/, '') + request.path,
        headers,
        agent: this.agents[base.protocol as 'http:' | 'https:'],
      });
      const timer = setTimeout(() => req.destroy(new UpstreamTimeout(`no answer within ${timeoutMs} ms`)), timeoutMs);
      let answered = false;
      req.on('response', (res) => {
        answered = true;
        res.once('close', () => clearTimeout(timer));
        resolve(res);
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        // A kept-alive connection the service closed just as we reused it: safe to try once more on a new one.
        if (!answered && mayRetry && req.reusedSocket && e.code === 'ECONNRESET') {
          resolve(this.attempt(base, request, timeoutMs, false));
        } else if (e instanceof UpstreamTimeout) {
          reject(e);
        } else {
          reject(new UpstreamUnreachable(e.code ?? e.message));
        }
      });
      req.end(body);
    });
  }
}
