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
      for (const route of operation.routes) expect(route.path.startsWith(`/v${route.version}/`)).toBe(true);
    }
    expect(routeOfKey('GET /v2/images')).toMatchObject({ version: '2' });
    expect(routeOfKey('$default')).toBeUndefined();
  });
});
