import { clientResponseHeaders, isIdentityHeader, upstreamRequestHeaders } from './headers';

const ctx = {
  requestId: 'req-1',
  correlationId: 'corr-1',
  traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
  clientIp: '203.0.113.7',
  host: 'shop.example',
  proto: 'https',
};

describe('headers', () => {
  it('passes the message headers and the Authorization header through', () => {
    const out = upstreamRequestHeaders(
      { authorization: 'Bearer t', 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': 'k1', cookie: 'a=b' },
      ctx,
    );
    expect(out).toMatchObject({ authorization: 'Bearer t', 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': 'k1', cookie: 'a=b' });
  });

  it('strips hop-by-hop headers, those named in Connection, and what the gateway recomputes', () => {
    const out = upstreamRequestHeaders(
      {
        connection: 'keep-alive, x-secret-hop',
        'keep-alive': 'timeout=5',
        'x-secret-hop': '1',
        'transfer-encoding': 'chunked',
        te: 'trailers',
        trailer: 'x',
        upgrade: 'websocket',
        'proxy-authorization': 'Basic x',
        host: 'evil.example',
        'content-length': '999',
        expect: '100-continue',
        forwarded: 'for=1.1.1.1',
        'x-forwarded-for': '1.1.1.1',
        'x-forwarded-host': 'evil.example',
        'x-real-ip': '1.1.1.1',
      },
      ctx,
    );
    expect(Object.keys(out).sort()).toEqual(['traceparent', 'x-correlation-id', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-request-id']);
    expect(out['x-forwarded-for']).toBe('203.0.113.7');
    expect(out['x-forwarded-host']).toBe('shop.example');
  });

  it('strips every identity header a client could forge', () => {
    const forged = ['x-user-id', 'X-User-Role', 'x-user', 'x-forwarded-user', 'x-auth-user', 'x-authenticated-userid', 'x-remote-user', 'remote-user', 'x-role', 'x-roles', 'x-principal', 'x-jwt-claims', 'x-consumer-id', 'x_user_id'];
    const out = upstreamRequestHeaders(Object.fromEntries(forged.map((h) => [h.toLowerCase(), 'admin'])), ctx);
    for (const h of forged) expect(out[h.toLowerCase()]).toBeUndefined();
    expect(forged.every(isIdentityHeader)).toBe(true);
    expect(['authorization', 'user-agent', 'x-request-id', 'x-correlation-id', 'idempotency-key'].some(isIdentityHeader)).toBe(false);
  });

  it('replaces the ids and traceparent with those the gateway settled on', () => {
    const out = upstreamRequestHeaders({ 'x-request-id': 'client', 'x-correlation-id': 'client', traceparent: 'junk' }, ctx);
    expect(out).toMatchObject({ 'x-request-id': 'req-1', 'x-correlation-id': 'corr-1', traceparent: ctx.traceparent });
  });

  it('passes a service answer on without its hop-by-hop headers', () => {
    const out = clientResponseHeaders({
      'content-type': 'application/json',
      'content-length': '12',
      'x-request-id': 'req-1',
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'set-cookie': ['a=1', 'b=2'],
    });
    expect(out).toEqual({ 'content-type': 'application/json', 'content-length': '12', 'x-request-id': 'req-1', 'set-cookie': ['a=1', 'b=2'] });
  });
});
