import { describe, expect, it } from 'vitest';
import { matchRoute, operations, routeOfKey } from '../../lib/routes.ts';

describe('route table', () => {
  it('matches each v1.1 route to its operation with decoded path parameters', () => {
    const match = matchRoute('POST', '/v1.1/t1/images/my%20image/tag');
    expect(match).toMatchObject({ kind: 'found', operation: { name: 'tag-image' }, pathParameters: { tenant_id: 't1', image_id: 'my image' } });
    expect(matchRoute('GET', '/v1.1/t1/images')).toMatchObject({ kind: 'found', operation: { name: 'list-images' } });
    expect(matchRoute('DELETE', '/v1.1/t1/images/x')).toMatchObject({ kind: 'found', operation: { name: 'unregister-image' } });
  });

  it('keeps an encoded slash inside its segment', () => {
    expect(matchRoute('GET', '/v1.1/t1/images/a%2Fb')).toMatchObject({ kind: 'found', pathParameters: { image_id: 'a/b' } });
  });

  it('tells a wrong method apart from an unknown path', () => {
    expect(matchRoute('PUT', '/v1.1/t1/images/x')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'POST', 'DELETE'] });
    expect(matchRoute('GET', '/v1.1/t1/images/x/tag')).toEqual({ kind: 'method-not-allowed', allowed: ['POST'] });
    expect(matchRoute('GET', '/v1.1/t1/volumes')).toEqual({ kind: 'not-found' });
    expect(matchRoute('GET', '/v1.1//images')).toEqual({ kind: 'not-found' });
  });

  it('has one function file name per operation and no route twice', () => {
    const names = operations.map((operation) => operation.name);
    expect(new Set(names).size).toBe(names.length);
    const routes = operations.flatMap((operation) => operation.routes.map((route) => `${route.method} ${route.path}`));
    expect(new Set(routes).size).toBe(routes.length);
  });
});

describe('route table, v2', () => {
  it('serves the shared operations on their v2 routes and the v2-only tag operations', () => {
    expect(matchRoute('GET', '/v2/images')).toMatchObject({ kind: 'found', operation: { name: 'list-images' }, route: { version: '2' } });
    expect(matchRoute('POST', '/v2/images/x')).toMatchObject({ kind: 'found', operation: { name: 'register-image' }, pathParameters: { image_id: 'x' } });
    expect(matchRoute('GET', '/v2/images/x/tags')).toMatchObject({ kind: 'found', operation: { name: 'get-image-tags' } });
    expect(matchRoute('PUT', '/v2/images/x/tags')).toMatchObject({ kind: 'found', operation: { name: 'replace-image-tags' } });
    expect(matchRoute('DELETE', '/v2/images/x/tags')).toMatchObject({ kind: 'found', operation: { name: 'delete-image-tags' } });
    expect(matchRoute('POST', '/v2/images/x/tag')).toEqual({ kind: 'not-found' });
    expect(matchRoute('POST', '/v2/images/x/tags')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'PUT', 'DELETE'] });
  });

  it('marks every route with its API version, matching its path', () => {
    for (const operation of operations) {
      for (const route of operation.routes) expect(route.path.startsWith(route.version === 'image' ? '/image' : `/v${route.version}/`)).toBe(true);
    }
    expect(routeOfKey('GET /v2/images')).toMatchObject({ version: '2' });
    expect(routeOfKey('$default')).toBeUndefined();
  });
});

describe('route table, v2 with the tenant in the path', () => {
  it('serves every v2 route also under /v2/{tenant_id}, as upstream does', () => {
    const v2 = operations.flatMap((operation) =>
      operation.routes.filter((route) => route.path.startsWith('/v2/images')).map((route) => ({ operation, route })),
    );
    expect(v2).toHaveLength(7);
    for (const { operation, route } of v2) {
      const withTenant = matchRoute(route.method, route.path.replace('/v2/images', '/v2/t1/images').replace('{image_id}', 'x'));
      expect(withTenant, `${route.method} ${route.path}`).toMatchObject({ kind: 'found', operation: { name: operation.name }, route: { version: '2' } });
      if (withTenant.kind === 'found') expect(withTenant.pathParameters.tenant_id).toBe('t1');
    }
  });

  it('chooses the most specific route as API Gateway does: a literal segment beats a variable at the first place they differ', () => {
    // Both /v2/images/{image_id} and /v2/{tenant_id}/images match; the literal "images" comes first.
    expect(matchRoute('GET', '/v2/images/images')).toMatchObject({ kind: 'found', operation: { name: 'show-image' }, pathParameters: { image_id: 'images' } });
    expect(matchRoute('GET', '/v2/images/images/tags')).toMatchObject({
      kind: 'found',
      operation: { name: 'get-image-tags' },
      pathParameters: { image_id: 'images' },
    });
    expect(matchRoute('GET', '/v2/images/images/x')).toMatchObject({
      kind: 'found',
      operation: { name: 'show-image' },
      pathParameters: { tenant_id: 'images', image_id: 'x' },
    });
    // Whatever order the table lists them in.
    expect(matchRoute('DELETE', '/v2/images/images')).toMatchObject({
      kind: 'found',
      operation: { name: 'unregister-image' },
      route: { path: '/v2/images/{image_id}' },
    });
  });

  it('lists each allowed method once when several templates match the path', () => {
    expect(matchRoute('PUT', '/v2/images/images')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'POST', 'DELETE'] });
  });
});

describe('route table, the image service', () => {
  it('serves the version document, the schemas, one image and the list under /image, as Glance v2 paths', () => {
    expect(matchRoute('GET', '/image')).toMatchObject({ kind: 'found', operation: { name: 'image-service-versions' }, route: { version: 'image' } });
    expect(matchRoute('GET', '/image/versions')).toMatchObject({ kind: 'found', operation: { name: 'image-service-versions' } });
    expect(matchRoute('GET', '/image/v2/schemas/image')).toMatchObject({ kind: 'found', operation: { name: 'show-catalog-schema' } });
    expect(matchRoute('GET', '/image/v2/images/ami-0123')).toMatchObject({
      kind: 'found',
      operation: { name: 'show-catalog-image' },
      pathParameters: { image_id: 'ami-0123' },
    });
    expect(matchRoute('GET', '/image/v2/images')).toMatchObject({ kind: 'found', operation: { name: 'list-catalog-images' } });
    expect(matchRoute('POST', '/image/v2/images')).toEqual({ kind: 'method-not-allowed', allowed: ['GET'] });
    expect(matchRoute('DELETE', '/image/v2/images/x')).toEqual({ kind: 'method-not-allowed', allowed: ['GET'] });
  });

  it('routes no path that ends in a slash, as API Gateway cannot (route-not-found answers GET /image/)', () => {
    expect(matchRoute('GET', '/image/')).toEqual({ kind: 'not-found' });
    expect(matchRoute('GET', '/v2/images/')).toEqual({ kind: 'not-found' });
  });

  it('reads no table and asks the catalog only to show or list', () => {
    for (const operation of operations.filter((candidate) => candidate.routes.some((route) => route.version === 'image'))) {
      expect(operation.access).toBe('read');
      expect(operation.tableActions).toEqual([]);
      expect(operation.callsCatalog).toBe(['show-catalog-image', 'list-catalog-images'].includes(operation.name));
    }
  });
});
