import { describe, expect, it } from 'vitest';
import { type ApiCall, callApi } from '../support/api.ts';
import { newTenant } from '../support/fixtures.ts';
import { tenantItems } from '../support/table-inspection.ts';

/**
 * When two checks fail at once, the first in docs/api.md's order answers. Upstream's order (its
 * auth middleware, then its blueprint's version check, then per route: body parsing, ACL,
 * existence, body schema, query parameters) is followed except where api.md records a difference.
 */
const errorOf = async (call: Omit<ApiCall, 'tenant'> & { tenant?: string }) => {
  const tenant = call.tenant ?? newTenant();
  const answer = await callApi({ ...call, tenant });
  expect(await tenantItems(tenant)).toEqual([]);
  return [answer.status, answer.json?.error_name];
};

const BAD_VERSION = { 'openstack-api-version': 'data-processing 2.1' };

describe('the order of checks when two fail at once', () => {
  it("v2: an invalid body is answered before an unknown query parameter, as upstream's validate runs before validate_request_params", async () => {
    expect(await errorOf({ method: 'POST', path: '/v2/images/img-plain?colour=red', body: { username: '' } })).toEqual([400, 'VALIDATION_ERROR']);
    expect(await errorOf({ method: 'PUT', path: '/v2/images/img-plain/tags?colour=red', body: { tags: 'x' } })).toEqual([400, 'VALIDATION_ERROR']);
    expect(await errorOf({ method: 'POST', path: '/v2/images/img-plain?colour=red' })).toEqual([400, 'VALIDATION_ERROR']);
    expect(await errorOf({ method: 'POST', path: '/v2/images/img-plain?colour=red', body: '{' })).toEqual([400, 'MALFORMED_REQUEST_BODY']);
  });

  it('v2: the tenant in the path is checked before the version header, as upstream authenticates before its blueprint runs', async () => {
    const mine = newTenant();
    expect(await errorOf({ method: 'GET', path: `/v2/${newTenant()}/images`, tenant: mine, headers: BAD_VERSION })).toEqual([403, 'FORBIDDEN']);
  });

  it('v2: the version header is checked before the body and the query', async () => {
    expect(await errorOf({ method: 'POST', path: '/v2/images/img-plain?colour=red', body: '{', headers: BAD_VERSION })).toEqual([406, 'NOT_ACCEPTABLE']);
  });

  it('the body is checked before the image is looked up: 400 for a bad body on an image nobody knows (upstream: 404)', async () => {
    expect(await errorOf({ method: 'POST', path: '/v2/images/no-such-image', body: { username: '' } })).toEqual([400, 'VALIDATION_ERROR']);
    expect(await errorOf({ method: 'POST', path: '/v2/images/no-such-image' })).toEqual([400, 'VALIDATION_ERROR']);
    const tenant = newTenant();
    expect(await errorOf({ method: 'POST', path: `/v1.1/${tenant}/images/no-such-image/tag`, tenant, body: '[' })).toEqual([400, 'MALFORMED_REQUEST_BODY']);
  });

  it('v2: an unknown query parameter is refused before the image is looked up (upstream: 404)', async () => {
    expect(await errorOf({ method: 'GET', path: '/v2/images/no-such-image?colour=red' })).toEqual([400, 'INVALID_PARAMS_ON_REQUEST']);
    expect(await errorOf({ method: 'DELETE', path: '/v2/images/no-such-image/tags?colour=red' })).toEqual([400, 'INVALID_PARAMS_ON_REQUEST']);
  });

  it('v1.1: the path tenant is checked before the body', async () => {
    const mine = newTenant();
    expect(await errorOf({ method: 'POST', path: `/v1.1/${newTenant()}/images/img-plain`, tenant: mine, body: '{' })).toEqual([403, 'FORBIDDEN']);
  });
});
