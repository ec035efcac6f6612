import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { AddressInfo, createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';

export const ROOT = join(__dirname, '..', '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface App {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | string>;
  stop: (signal?: NodeJS.Signals) => Promise<number | string>;
}

/** Starts apps/<name> as its own process, as `npm start` does (but from the TypeScript sources). */
export function launch(name: string, env: Record<string, string>): App {
  const port = Number(env.PORT);
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps', name, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return { name, port, url: `http://127.0.0.1:${port}`, child, output: () => output, exited, stop };
}

/** Resolves once `path` of the app answers `status` (default: any answer), or fails with the app's output. */
export async function waitFor(app: App, path = '/health/live', status?: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void app.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(app.url + path);
      await res.body?.cancel();
      if (status === undefined || res.status === status) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${app.name}: ${path} did not answer${status ? ` ${status}` : ''}${exited ? ' (exited)' : ''}:\n${app.output().slice(-3000)}`);
}

/** What a stub upstream saw of one request. */
export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A tiny upstream service: answers JSON naming itself and echoing what it received; `/slow` answers after
 * `slowMs`; `/health/ready` answers `ready`; other behaviour can be added with `handle`.
 */
export class StubUpstream {
  readonly seen: Seen[] = [];
  ready = 200;
  slowMs = 2000;
  handle?: (req: IncomingMessage, res: ServerResponse, body: string) => boolean;
  private server?: Server;

  constructor(
    readonly name: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (req.url === '/health/ready') return json(res, this.ready, { status: this.ready === 200 ? 'ok' : 'error' });
        this.seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        if (this.handle?.(req, res, body)) return;
        if (req.url === '/slow') return void setTimeout(() => json(res, 200, { upstream: this.name, slow: true }), this.slowMs);
        json(res, 200, { upstream: this.name, method: req.method, url: req.url });
      });
    });
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  /** Stops listening and drops kept-alive connections, like a killed process. */
  async stop(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }

  last(): Seen {
    return this.seen[this.seen.length - 1];
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** An RS256 key pair and its public JWK with a kid, like the user service's. */
export async function signingKey(kid = 'test-key-1'): Promise<{ kid: string; privateKey: KeyLike; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

export interface TokenClaims {
  sub?: string;
  role?: string;
  iss?: string;
  aud?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
}

/** An access token as the user service issues them, with every claim overridable. */
export function accessToken(key: { kid: string; privateKey: KeyLike }, claims: TokenClaims = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: claims.role ?? 'customer' })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setSubject(claims.sub ?? 'user-1')
    .setIssuer(claims.iss ?? 'homestore-user')
    .setAudience(claims.aud ?? 'homestore')
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (claims.expiresIn ?? 300))
    .sign(key.privateKey);
}

/** A token with `alg: none` and no signature, carrying valid claims. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}

/** A request with node's http client, which (unlike fetch) may send any header, Connection included. */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
