import { describe, expect, it } from 'vitest';
import { callApi } from '../support/api.ts';
import { newTenant } from '../support/fixtures.ts';
import { tenantItems } from '../support/table-inspection.ts';

const expectError = (answer: { status: number; json: any }, status: number, errorName: string) => {
  expect(answer.status).toBe(status);
  expect(answer.json).toEqual({ error_code: status, error_name: errorName, error_message: expect.stringMatching(/\nError ID: req-\S+$/) });
};

describe('auth and tenancy', () => {
  it('answers 401 UNAUTHORIZED when the claims carry no tenant', async () => {
    const tenant = newTenant();
    expectError(await callApi({ method: 'GET', path: `/v1.1/${tenant}/images`, tenant: null }), 401, 'UNAUTHORIZED');
  });

  it('answers 401 for a tenant claim that could not be a tenant', async () => {
    expectError(await callApi({ method: 'GET', path: '/v1.1/a%23b/images', tenant: 'a#b' }), 401, 'UNAUTHORIZED');
  });

  it('answers 403 FORBIDDEN for a path tenant other than the token tenant, on every route, writing nothing', async () => {
    const [mine, theirs] = [newTenant(), newTenant()];
    const calls = [
      ['GET', ''],
      ['GET', '/img-plain'],
      ['POST', '/img-plain', { username: 'u' }],
      ['DELETE', '/img-plain'],
      ['POST', '/img-plain/tag', { tags: ['a'] }],
      ['POST', '/img-plain/untag', { tags: ['a'] }],
    ] as const;
    for (const [method, suffix, body] of calls) {
      expectError(await callApi({ method, path: `/v1.1/${theirs}/images${suffix}`, tenant: mine, body }), 403, 'FORBIDDEN');
    }
    expect(await tenantItems(theirs)).toEqual([]);
    expect(await tenantItems(mine)).toEqual([]);
  });
});

describe('request bodies', () => {
  const tag = (tenant: string, body: unknown, headers?: Record<string, string>) =>
    callApi({ method: 'POST', path: `/v1.1/${tenant}/images/img-plain/tag`, tenant, body, headers });

  it('answers 400 MALFORMED_REQUEST_BODY for a body that is not JSON', async () => {
    const tenant = newTenant();
    expectError(await tag(tenant, '{"tags": [', { 'content-type': 'application/json' }), 400, 'MALFORMED_REQUEST_BODY');
    expectError(await tag(tenant, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 400, 'MALFORMED_REQUEST_BODY');
    expectError(await tag(tenant, ' \n'), 400, 'MALFORMED_REQUEST_BODY');
  });

  it('reads a POST or PUT without a body as {}, as upstream does: 400 VALIDATION_ERROR naming the missing field, writing nothing', async () => {
    const tenant = newTenant();
    const calls = [
      ['POST', `/v1.1/${tenant}/images/img-plain`, 'username: is required'],
      ['POST', `/v1.1/${tenant}/images/img-plain/tag`, 'tags: is required'],
      ['POST', `/v1.1/${tenant}/images/img-plain/untag`, 'tags: is required'],
      ['POST', '/v2/images/img-plain', 'username: is required'],
      ['PUT', '/v2/images/img-plain/tags', 'tags: is required'],
    ] as const;
    for (const [method, path, message] of calls) {
      for (const headers of [{}, { 'content-type': 'application/json' }, { 'content-type': 'text/plain' }] as Record<string, string>[]) {
        const answer = await callApi({ method, path, tenant, headers });
        expectError(answer, 400, 'VALIDATION_ERROR');
        expect(answer.json.error_message.split('\n')[0], `${method} ${path}`).toBe(message);
      }
    }
    expect(await tenantItems(tenant)).toEqual([]);
  });

  it('answers 400 INVALID_DATA when a non-JSON Content-Type is given', async () => {
    expectError(await tag(newTenant(), '{"tags": []}', { 'content-type': 'text/plain' }), 400, 'INVALID_DATA');
  });

  it('reads a JSON body sent without Content-Type as JSON', async () => {
    expect((await tag(newTenant(), '{"tags": ["a"]}')).status).toBe(202);
  });

  it('answers 400 VALIDATION_ERROR for null, an array, a wrong type or an unknown field', async () => {
    const tenant = newTenant();
    for (const body of ['null', '[]', '{"tags": "a"}', '{"tags": [], "x": 1}', '{"tags": [null]}']) {
      expectError(await tag(tenant, body), 400, 'VALIDATION_ERROR');
    }
    expect(await tenantItems(tenant)).toEqual([]);
  });

  it('answers 413 for a body over 64 KiB', async () => {
    const body = JSON.stringify({ tags: Array.from({ length: 7000 }, (_, i) => `tag-${i}`) });
    expect(body.length).toBeGreaterThan(64 * 1024);
    expectError(await tag(newTenant(), body), 413, 'REQUEST_ENTITY_TOO_LARGE');
  });
});

describe('routing', () => {
  it('answers an unknown path with 404 NOT_FOUND in the normal error body', async () => {
    const tenant = newTenant();
    const answer = await callApi({ method: 'GET', path: `/v1.1/${tenant}/clusters`, tenant });
    expect(answer.operation).toBe('route-not-found');
    expectError(answer, 404, 'NOT_FOUND');
  });

  it('answers a wrong method with 405 METHOD_NOT_ALLOWED and an Allow header', async () => {
    const tenant = newTenant();
    const answer = await callApi({ method: 'PUT', path: `/v1.1/${tenant}/images/img-plain`, tenant });
    expectError(answer, 405, 'METHOD_NOT_ALLOWED');
    expect(answer.headers.allow).toBe('GET, POST, DELETE');
  });
});
