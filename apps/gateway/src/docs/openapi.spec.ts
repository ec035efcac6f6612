import type { OpenAPIV3 } from 'openapi-types';
import { ROUTES } from '../routes';
import { OPERATIONS, openApiDocument } from './openapi';

describe('OpenAPI document', () => {
  const doc = openApiDocument();

  it('documents exactly the routes of the route table', () => {
    expect(Object.keys(OPERATIONS).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item!).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`).sort());
  });

  it('asks for the bearer token exactly where the gateway does', () => {
    for (const route of ROUTES) {
      const op = doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]![route.method.toLowerCase() as 'get']!;
      expect([route.path, op.security]).toEqual([route.path, route.access === 'public' ? [] : [{ bearer: [] }]]);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(route.access === 'public' ? ['429', '503'] : ['401', '429', '503']));
    }
  });

  it('takes the body of POST /orders without items for a checkout', () => {
    const { NewOrder, Checkout } = doc.components!.schemas! as Record<string, { properties: object; required: string[] }>;
    const { items, ...rest } = NewOrder.properties as Record<string, unknown>;
    expect(items).toBeDefined();
    expect(Checkout.properties).toEqual(rest);
    expect(Checkout.required).toEqual(NewOrder.required.filter((f) => f !== 'items'));
  });

  it('documents the points of an order: pointsToUse optional in both bodies, what orders and myPage answer with them', () => {
    const schemas = doc.components!.schemas! as Record<string, OpenAPIV3.SchemaObject>;
    for (const body of ['NewOrder', 'Checkout']) {
      expect([body, schemas[body].properties!.pointsToUse, schemas[body].required]).toEqual([body, expect.objectContaining({ type: 'integer', minimum: 0 }), expect.not.arrayContaining(['pointsToUse'])]);
    }
    expect(schemas.Order.required).toEqual(expect.arrayContaining(['totalAmount', 'pointsUsed', 'amountDue']));
    expect((schemas.Order.properties!.statusReason as OpenAPIV3.SchemaObject).enum).toEqual(['PAYMENT_FAILED', 'OUT_OF_STOCK', 'POINTS_UNAVAILABLE', 'PAYMENT_TIMEOUT']);
    expect(schemas.MyPageOrder.required).toEqual(expect.arrayContaining(['totalAmount', 'pointsUsed', 'pointsEarned']));
    expect(Object.keys(schemas.MileageEntry.properties!)).toEqual(['type', 'reason', 'points', 'orderId', 'occurredAt']);
  });

  it('documents every paged list alike: limit 1–200 (50), before, a page {<items>, nextCursor} and its own INVALID_CURSOR', () => {
    const paged: Record<string, [items: string, area: string, besides?: string]> = {
      '/orders': ['orders', 'ORDER'],
      '/messages': ['messages', 'MESSAGE'],
      '/mypage': ['orders', 'MYPAGE'],
      '/store/orders': ['orders', 'STORE'],
      '/mileage': ['history', 'MILEAGE', 'balance'],
    };
    for (const [path, [items, area, besides]] of Object.entries(paged)) {
      const op = doc.paths[path]!.get!;
      const params = op.parameters as OpenAPIV3.ParameterObject[];
      expect([path, params.find((p) => p.name === 'limit')]).toEqual([path, expect.objectContaining({ in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } })]);
      expect([path, params.find((p) => p.name === 'before')]).toEqual([path, expect.objectContaining({ in: 'query', schema: { type: 'string' } })]);
      const { $ref } = (op.responses['200'] as OpenAPIV3.ResponseObject).content!['application/json'].schema as OpenAPIV3.ReferenceObject;
      const page = doc.components!.schemas![$ref.split('/').pop()!] as OpenAPIV3.SchemaObject;
      expect([path, page.required, page.properties!.nextCursor]).toEqual([path, [besides, items, 'nextCursor'].filter(Boolean), expect.objectContaining({ type: 'string', nullable: true })]);
      expect([path, page.properties![items]]).toEqual([path, expect.objectContaining({ type: 'array' })]);
      expect([path, (op.responses['400'] as OpenAPIV3.ResponseObject).description]).toEqual([path, expect.stringContaining(`${area}.INVALID_CURSOR`)]);
    }
  });

  it('only refers to schemas it defines', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
    expect(refs.filter((r) => !doc.components!.schemas![r])).toEqual([]);
    expect(doc.components!.securitySchemes!.bearer).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });
});
