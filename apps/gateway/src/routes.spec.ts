import { ROUTES, RouteTable } from './routes';

/** DESIGN.md, "HTTP API": every path, with the service that owns it and who may call it. */
const DESIGN: [string, string, string, 'public' | 'user' | 'store'][] = [
  ['POST', '/auth/signup', 'user', 'public'],
  ['POST', '/auth/login', 'user', 'public'],
  ['GET', '/users/me', 'user', 'user'],
  ['PATCH', '/users/me', 'user', 'user'],
  ['GET', '/products?category=tv&onSale=true', 'ordermanagement', 'public'],
  ['GET', '/products/7b0c6c7e-1f3a-4c1e-9d4e-2b1f0e3a9c11', 'ordermanagement', 'public'],
  ['POST', '/products', 'ordermanagement', 'store'],
  ['PATCH', '/products/p-1', 'ordermanagement', 'store'],
  ['POST', '/orders', 'order', 'user'],
  ['GET', '/orders', 'order', 'user'],
  ['GET', '/orders/o-1', 'order', 'user'],
  ['POST', '/orders/o-1/cancel', 'order', 'user'],
  ['GET', '/mypage', 'order', 'user'],
  ['GET', '/mypage/orders/o-1', 'order', 'user'],
  ['GET', '/cart', 'order', 'user'],
  ['PUT', '/cart/items/p-1', 'order', 'user'],
  ['DELETE', '/cart/items/p-1', 'order', 'user'],
  ['DELETE', '/cart', 'order', 'user'],
  ['POST', '/cart/checkout', 'order', 'user'],
  ['GET', '/store/orders?status=RECEIVED', 'ordermanagement', 'store'],
  ['POST', '/store/orders/o-1/accept', 'ordermanagement', 'store'],
  ['GET', '/payments/o-1', 'payment', 'user'],
  ['GET', '/deliveries/o-1', 'delivery', 'user'],
  ['POST', '/deliveries/o-1/complete', 'delivery', 'store'],
  ['GET', '/messages', 'message', 'user'],
  ['GET', '/mileage?limit=20', 'mileage', 'user'],
];

describe('route table', () => {
  const table = new RouteTable();

  it.each(DESIGN)('%s %s goes to %s (%s)', (method, url, upstream, access) => {
    const match = table.match(method, url.split('?')[0]);
    expect(match && 'route' in match && { upstream: match.route.upstream, access: match.route.access }).toEqual({ upstream, access });
  });

  it('has no route that DESIGN.md does not list, except the public keys', () => {
    const designed = new Set(DESIGN.map(([m, url]) => {
      const match = table.match(m, url.split('?')[0]);
      return match && 'route' in match ? `${match.route.method} ${match.route.path}` : '';
    }));
    expect(ROUTES.map((r) => `${r.method} ${r.path}`).filter((r) => !designed.has(r))).toEqual(['GET /.well-known/jwks.json']);
  });

  it('answers HEAD as GET and ignores one trailing slash', () => {
    expect(table.match('HEAD', '/products')).toMatchObject({ route: { method: 'GET', upstream: 'ordermanagement' } });
    expect(table.match('GET', '/orders/o-1/')).toMatchObject({ route: { path: '/orders/:id' } });
  });

  it('gives the allowed methods of a known path', () => {
    expect(table.match('DELETE', '/products')).toEqual({ allowed: ['GET', 'POST'] });
    expect(table.match('PUT', '/users/me')).toEqual({ allowed: ['GET', 'PATCH'] });
    expect(table.match('POST', '/cart')).toEqual({ allowed: ['GET', 'DELETE'] });
    expect(table.match('GET', '/cart/items/p-1')).toEqual({ allowed: ['PUT', 'DELETE'] });
    expect(table.match('POST', '/mileage')).toEqual({ allowed: ['GET'] });
  });

  it('knows nothing else', () => {
    for (const path of ['/', '/admin', '/products/1/2', '/orders//cancel', '//orders', '/Orders', '/users', '/store', '/health/ready', '/products/..', '/products/%2e%2e', '/orders/./cancel', '/cart/items', '/cart/checkout/x', '/mileage/history']) {
      expect([path, table.match('GET', path)]).toEqual([path, undefined]);
    }
  });
});
