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

  it('only refers to schemas it defines', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
    expect(refs.filter((r) => !doc.components!.schemas![r])).toEqual([]);
    expect(doc.components!.securitySchemes!.bearer).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });
});
