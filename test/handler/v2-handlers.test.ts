import { describe, expect, it } from 'vitest';
import { errorResponse, imageAndFieldsResponse, imageListResponse, imageResponse, tagListResponse } from '../../lib/http/response-schemas.ts';
import { callApi, v1Client, v2Client } from '../support/api.ts';
import { newTenant } from '../support/fixtures.ts';
import { expectIndexMatchesRecords, tenantItems } from '../support/table-inspection.ts';

const expectError = (answer: { status: number; json: any }, status: number, errorName: string) => {
  expect(answer.status).toBe(status);
  expect(answer.json).toEqual({ error_code: status, error_name: errorName, error_message: expect.stringMatching(/\nError ID: req-\S+$/) });
};

const ids = (answer: { json: any }) => answer.json.images.map((image: { id: string }) => image.id);

describe('v2 routes share the v1.1 operations, with the tenant from the token', () => {
  it('registers, shows, lists and unregisters through /v2/images with the same functions as v1.1', async () => {
    const tenant = newTenant();
    const api = v2Client(tenant);
    const registered = await api.register('img-spark-35', { username: 'ubuntu', description: 'Spark' });
    expect(registered).toMatchObject({ status: 202, operation: 'register-image', json: { image: { id: 'img-spark-35', username: 'ubuntu' } } });
    expect(await api.show('img-spark-35')).toMatchObject({ status: 200, operation: 'show-image', json: { image: { description: 'Spark' } } });
    expect(ids(await api.list())).toEqual(['img-spark-35']);
    // One registry for both versions: v1.1 sees what v2 wrote.
    expect(ids(await v1Client(tenant).list())).toEqual(['img-spark-35']);
    expect(await api.unregister('img-spark-35')).toMatchObject({ status: 204, operation: 'unregister-image', text: '' });
    expect(ids(await api.list())).toEqual([]);
  });

  it('filters the v2 list by repeated tags and a name, accepts username as upstream does, and sorts by sort_by', async () => {
    const api = v2Client(newTenant());
    for (const id of ['img-spark-35', 'img-spark-34']) await api.register(id, { username: 'u' });
    await api.replaceTags('img-spark-35', ['spark', '3.5']);
    await api.replaceTags('img-spark-34', ['spark', '3.4']);
    expect(ids(await api.list('tags=spark&tags=3.5'))).toEqual(['img-spark-35']);
    expect(ids(await api.list('name=spark-3.4'))).toEqual(['img-spark-34']);
    expect(ids(await api.list('tags=spark&username=nobody&sort_by=name'))).toEqual(['img-spark-34', 'img-spark-35']);
    expect(ids(await api.list('tags=spark&username=nobody&sort_by=-name'))).toEqual(['img-spark-35', 'img-spark-34']);
  });
});

describe('GET /v2/images/{id}/tags (get-image-tags)', () => {
  it('answers {"tags": [...]} sorted, [] for a known image without tags, also when not registered', async () => {
    const api = v2Client(newTenant());
    await api.register('img-spark-35', { username: 'u' });
    await api.replaceTags('img-spark-35', ['spark', '3.5']);
    expect(await api.getTags('img-spark-35')).toMatchObject({ status: 200, operation: 'get-image-tags', json: { tags: ['3.5', 'spark'] } });
    expect((await api.getTags('img-plain')).json).toEqual({ tags: [] });
    await api.replaceTags('img-vanilla', ['vanilla']);
    expect((await api.getTags('img-vanilla')).json).toEqual({ tags: ['vanilla'] });
  });

  it('answers 404 NOT_FOUND for an image the catalog does not know', async () => {
    expectError(await v2Client(newTenant()).getTags('no-such-image'), 404, 'NOT_FOUND');
  });
});

describe('PUT /v2/images/{id}/tags (replace-image-tags)', () => {
  it('answers 200 with the image carrying exactly the given tags, duplicates collapsed', async () => {
    const tenant = newTenant();
    const api = v2Client(tenant);
    await api.register('img-spark-35', { username: 'u' });
    await api.replaceTags('img-spark-35', ['old', 'spark']);
    const answer = await api.replaceTags('img-spark-35', ['spark', '3.5', 'spark']);
    expect(answer).toMatchObject({ status: 200, operation: 'replace-image-tags' });
    expect(answer.json.image.tags).toEqual(['3.5', 'spark']);
    expect(answer.json.image.metadata).toEqual({ _sahara_username: 'u', '_sahara_tag_3.5': true, _sahara_tag_spark: true });
    expect(ids(await api.list('tags=old'))).toEqual([]);
    await expectIndexMatchesRecords(tenant);
  });

  it("carries the image's fields at the top level too, where python-saharaclient's v2 update_tags() reads them", async () => {
    const api = v2Client(newTenant());
    await api.register('img-spark-35', { username: 'u', description: 'd' });
    const { json } = await api.replaceTags('img-spark-35', ['spark']);
    const { image, ...topLevel } = json;
    expect(topLevel).toEqual(image);
    expect(topLevel).toMatchObject({ id: 'img-spark-35', name: 'sahara-spark-3.5-ubuntu', username: 'u', description: 'd', tags: ['spark'], status: 'ACTIVE' });
  });

  it('replaces 50 tags with 50 others (101 items, over one transaction) and keeps the index exact', async () => {
    const tenant = newTenant();
    const api = v2Client(tenant);
    await api.register('img-plain', { username: 'u' });
    const before = Array.from({ length: 50 }, (_, i) => `before-${i}`);
    const after = Array.from({ length: 50 }, (_, i) => `after-${i}`);
    expect((await api.replaceTags('img-plain', before)).json.image.tags).toHaveLength(50);
    const answer = await api.replaceTags('img-plain', after);
    expect(answer.status).toBe(200);
    expect(answer.json.image.tags).toEqual([...after].sort());
    await expectIndexMatchesRecords(tenant);
    expect(ids(await api.list('tags=before-49'))).toEqual([]);
    expect(ids(await api.list('tags=after-49'))).toEqual(['img-plain']);
  });

  it('refuses more than 50 tags and an invalid tag with 400 VALIDATION_ERROR, writing nothing', async () => {
    const tenant = newTenant();
    const api = v2Client(tenant);
    const tooMany = await api.replaceTags(
      'img-plain',
      Array.from({ length: 51 }, (_, i) => `t${i}`),
    );
    expectError(tooMany, 400, 'VALIDATION_ERROR');
    expect(tooMany.json.error_message).toContain('at most 50 tags');
    const invalid = await api.replaceTags('img-plain', ['ok', 'bad tag']);
    expectError(invalid, 400, 'VALIDATION_ERROR');
    expect(invalid.json.error_message).toMatch(/^tags\[1\]: 'bad tag' is not a valid tag/);
    expect(await tenantItems(tenant)).toEqual([]);
  });

  it('answers 404 for an image the catalog does not know', async () => {
    expectError(await v2Client(newTenant()).replaceTags('no-such-image', ['a']), 404, 'NOT_FOUND');
  });
});

describe('DELETE /v2/images/{id}/tags (delete-image-tags)', () => {
  it('answers 204 and removes every tag, also when there are none', async () => {
    const tenant = newTenant();
    const api = v2Client(tenant);
    await api.register('img-spark-35', { username: 'u' });
    await api.replaceTags('img-spark-35', ['spark', '3.5']);
    expect(await api.deleteTags('img-spark-35')).toMatchObject({ status: 204, text: '', operation: 'delete-image-tags' });
    expect((await api.show('img-spark-35')).json.image).toMatchObject({ tags: [], username: 'u' });
    expect((await api.deleteTags('img-spark-35')).status).toBe(204);
    expect((await api.deleteTags('img-plain')).status).toBe(204);
    await expectIndexMatchesRecords(tenant);
  });

  it('answers 404 for an image the catalog does not know', async () => {
    expectError(await v2Client(newTenant()).deleteTags('no-such-image'), 404, 'NOT_FOUND');
  });
});

describe('OpenStack-API-Version', () => {
  it('names data-processing 2.0 and varies on it in every v2 answer, errors included, and never on v1.1', async () => {
    const api = v2Client(newTenant());
    // A success with a body also varies on Accept-Encoding: a large one is gzip-compressed for a client that accepts it.
    for (const [answer, vary] of [
      [await api.list(), 'Accept-Encoding, OpenStack-API-Version'],
      [await api.show('no-such-image'), 'OpenStack-API-Version'],
      [await api.getTags('img-plain'), 'Accept-Encoding, OpenStack-API-Version'],
      [await api.deleteTags('img-plain'), 'OpenStack-API-Version'],
    ] as const) {
      expect(answer.headers['openstack-api-version']).toBe('data-processing 2.0');
      expect(answer.headers.vary).toBe(vary);
    }
    const v1 = await v1Client(newTenant()).list();
    expect(v1.headers['openstack-api-version']).toBeUndefined();
    expect(v1.headers.vary).toBe('Accept-Encoding');
  });

  it('accepts data-processing 2.0, latest, and headers that name only other services', async () => {
    for (const version of ['data-processing 2.0', 'data-processing latest', 'compute 2.1, data-processing 2.0', 'compute 2.95']) {
      expect((await v2Client(newTenant(), { 'openstack-api-version': version }).list()).status).toBe(200);
    }
  });

  it("answers 406 NOT_ACCEPTABLE to another version and 400 BAD_REQUEST to a malformed one, with the version headers and upstream's version range", async () => {
    const expectVersionError = (answer: { status: number; json: any }, status: number, errorName: string) => {
      const { min_version, max_version, ...rest } = answer.json;
      expectError({ status: answer.status, json: rest }, status, errorName);
      expect({ min_version, max_version }).toEqual({ min_version: '2.0', max_version: '2.0' });
      errorResponse.parse(answer.json);
    };
    const other = await v2Client(newTenant(), { 'openstack-api-version': 'data-processing 2.1' }).list();
    expectVersionError(other, 406, 'NOT_ACCEPTABLE');
    expect(other.headers['openstack-api-version']).toBe('data-processing 2.0');
    expectVersionError(await v2Client(newTenant(), { 'openstack-api-version': 'data-processing 3' }).list(), 400, 'BAD_REQUEST');
    expectVersionError(await v2Client(newTenant(), { 'openstack-api-version': 'data-processing 2.01' }).list(), 400, 'BAD_REQUEST');
  });

  it('is not checked on v1.1 routes', async () => {
    const tenant = newTenant();
    const answer = await callApi({ method: 'GET', path: `/v1.1/${tenant}/images`, tenant, headers: { 'openstack-api-version': 'data-processing 9.9' } });
    expect(answer.status).toBe(200);
  });
});

describe('v2 query parameters', () => {
  it('answers 400 INVALID_PARAMS_ON_REQUEST to an unknown parameter on every v2 route, writing nothing', async () => {
    const tenant = newTenant();
    const calls = [
      ['GET', '/v2/images?colour=red'],
      ['GET', '/v2/images/img-plain?colour=red'],
      ['POST', '/v2/images/img-plain?colour=red', { username: 'u' }],
      ['DELETE', '/v2/images/img-plain?colour=red'],
      ['GET', '/v2/images/img-plain/tags?colour=red'],
      ['PUT', '/v2/images/img-plain/tags?colour=red', { tags: ['a'] }],
      ['DELETE', '/v2/images/img-plain/tags?colour=red'],
    ] as const;
    for (const [method, path, body] of calls) {
      const answer = await callApi({ method, path, tenant, body });
      expectError(answer, 400, 'INVALID_PARAMS_ON_REQUEST');
      expect(answer.json.error_message).toContain("'colour'");
    }
    expect(await tenantItems(tenant)).toEqual([]);
  });

  it('accepts upstream paging parameters on every v2 route; v1.1 ignores unknown parameters', async () => {
    const tenant = newTenant();
    await v2Client(tenant).register('img-plain', { username: 'u' });
    expect((await v2Client(tenant).show('img-plain', 'sort_by=name')).status).toBe(200);
    expect((await v1Client(tenant).list('colour=red')).status).toBe(200);
  });
});

describe('answers and the schemas the OpenAPI description is made from', () => {
  it('every success and error body parses with its strict response schema', async () => {
    const tenant = newTenant();
    const v2 = v2Client(tenant);
    const v1 = v1Client(tenant);
    imageResponse.parse((await v2.register('img-spark-35', { username: 'u', description: 'd' })).json);
    imageAndFieldsResponse.parse((await v2.replaceTags('img-spark-35', ['spark'])).json);
    imageResponse.parse((await v1.tag('img-spark-35', ['3.5'])).json);
    imageResponse.parse((await v1.untag('img-spark-35', ['3.5'])).json);
    imageResponse.parse((await v2.show('img-spark-35')).json);
    tagListResponse.parse((await v2.getTags('img-spark-35')).json);
    imageListResponse.parse((await v2.list()).json);
    imageListResponse.parse((await v2.list('limit=1')).json);
    errorResponse.parse((await v2.show('no-such-image')).json);
  });
});
