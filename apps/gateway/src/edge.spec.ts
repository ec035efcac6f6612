import { clientIp, edgeContext, flowOf } from './edge';

const req = (headers: Record<string, string>, remoteAddress = '10.0.0.9') => ({ headers, socket: { remoteAddress } });

describe('edge context', () => {
  it('makes a request id, uses it as the correlation id, and starts a trace when the client sends none', () => {
    const ctx = edgeContext(req({}), 0);
    expect(ctx.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx.correlationId).toBe(ctx.requestId);
    expect(ctx.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(edgeContext(req({}), 0).traceparent).not.toBe(ctx.traceparent);
  });

  it("keeps the client's ids and traceparent when they are well formed", () => {
    const traceparent = `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`;
    expect(edgeContext(req({ 'x-request-id': 'r-1', 'x-correlation-id': 'flow:42', traceparent }), 0)).toMatchObject({ requestId: 'r-1', correlationId: 'flow:42', traceparent });
  });

  it('replaces ids and traceparents that are not', () => {
    const ctx = edgeContext(req({ 'x-request-id': 'a b\n', 'x-correlation-id': 'x'.repeat(200), traceparent: `00-${'0'.repeat(32)}-${'1'.repeat(16)}-01` }), 0);
    expect(ctx.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx.correlationId).toBe(ctx.requestId);
    expect(ctx.traceparent).not.toContain('0'.repeat(32));
  });

  it("gives its log lines the request's ids: request, correlation, causation (the request) and trace", () => {
    const traceparent = `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`;
    const ctx = edgeContext(req({ 'x-request-id': 'r-1', 'x-correlation-id': 'flow:42', traceparent }), 0);
    expect(flowOf(ctx)).toEqual({ requestId: 'r-1', correlationId: 'flow:42', causationId: 'r-1', traceId: 'ab'.repeat(16) });
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
