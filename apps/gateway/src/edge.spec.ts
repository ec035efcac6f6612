import { clientIp, edgeContext, flowOf } from './edge';

const req = (headers: Record<string, string>, remoteAddress = '10.0.0.9') => ({ headers, socket: { remoteAddress } });

describe('edge context', () => {
  it('makes a request id and uses it as the correlation id when the client sends none', () => {
    const ctx = edgeContext(req({}), 0);
    expect(ctx.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx.correlationId).toBe(ctx.requestId);
    expect(edgeContext(req({}), 0).requestId).not.toBe(ctx.requestId);
  });

  it("keeps the client's ids when they are well formed", () => {
    expect(edgeContext(req({ 'x-request-id': 'r-1', 'x-correlation-id': 'flow:42' }), 0)).toMatchObject({ requestId: 'r-1', correlationId: 'flow:42' });
  });

  it('replaces ids that are not', () => {
    const ctx = edgeContext(req({ 'x-request-id': 'a b\n', 'x-correlation-id': 'x'.repeat(200) }), 0);
    expect(ctx.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx.correlationId).toBe(ctx.requestId);
  });

  it("gives its log lines the request's ids: request, correlation and causation (the request)", () => {
    const ctx = edgeContext(req({ 'x-request-id': 'r-1', 'x-correlation-id': 'flow:42' }), 0);
    expect(flowOf(ctx)).toEqual({ requestId: 'r-1', correlationId: 'flow:42', causationId: 'r-1' });
  });

  it('takes the client IP from the peer, or from X-Forwarded-For as far as proxies are trusted', () => {
    const forwarded = { 'x-forwarded-for': '1.1.1.1, 203.0.113.7, 10.0.0.2' };
    expect(clientIp(req(forwarded), 0)).toBe('10.0.0.9');
    expect(clientIp(req(forwarded), 1)).toBe('10.0.0.2');
    expect(clientIp(req(forwarded), 2)).toBe('203.0.113.7');
    expect(clientIp(req(forwarded), 9)).toBe('1.1.1.1');
    expect(clientIp(req({}), 2)).toBe('10.0.0.9');
  });
});
