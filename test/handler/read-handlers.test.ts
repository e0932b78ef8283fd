import { describe, expect, it } from 'vitest';
import { callApi, v1Client } from '../support/api.ts';
import { newTenant } from '../support/fixtures.ts';

const IMAGE_FIELDS = [
  'id',
  'name',
  'username',
  'description',
  'tags',
  'metadata',
  'status',
  'progress',
  'minDisk',
  'minRam',
  'OS-EXT-IMG-SIZE:size',
  'created',
  'updated',
].sort();

describe('GET /v1.1/{tenant}/images (list-images)', () => {
  it('answers 200 with registered images only, each with exactly upstream fields', async () => {
    const api = v1Client(newTenant());
    await api.register('img-spark-35', { username: 'ubuntu' });
    await api.tag('img-vanilla', ['spark']);
    const answer = await api.list();
    expect(answer).toMatchObject({ status: 200, operation: 'list-images' });
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.json.images).toHaveLength(1);
    expect(Object.keys(answer.json.images[0]).sort()).toEqual(IMAGE_FIELDS);
  });

  it('filters by repeated tags (AND) and a name substring', async () => {
    const api = v1Client(newTenant());
    for (const id of ['img-spark-35', 'img-spark-34', 'img-storm']) await api.register(id, { username: 'u' });
    await api.tag('img-spark-35', ['spark', '3.5']);
    await api.tag('img-spark-34', ['spark', '3.4']);
    const ids = async (query: string) => (await api.list(query)).json.images.map((image: { id: string }) => image.id);
    expect(await ids('tags=spark')).toEqual(['img-spark-34', 'img-spark-35']);
    expect(await ids('tags=spark&tags=3.5')).toEqual(['img-spark-35']);
    expect(await ids('tags=spark,3.5')).toEqual([]);
    expect(await ids('tags=')).toEqual([]);
    expect(await ids('name=spark-3.4')).toEqual(['img-spark-34']);
    expect(await ids('name=')).toEqual(['img-spark-34', 'img-spark-35', 'img-storm']);
    expect(await ids('tags=spark&name=3.5-ubuntu')).toEqual(['img-spark-35']);
    expect(await ids('unknown=1&tags=3.4')).toEqual(['img-spark-34']);
  });

  it('refuses a query naming more than 20 tags with 400 VALIDATION_ERROR', async () => {
    const api = v1Client(newTenant());
    const answer = await api.list(Array.from({ length: 21 }, (_, i) => `tags=t${i}`).join('&'));
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      error_code: 400,
      error_name: 'VALIDATION_ERROR',
      error_message: expect.stringContaining('tags: may name at most 20 tags'),
    });
  });
});

describe('GET /v1.1/{tenant}/images/{id} (show-image)', () => {
  it('answers 200 with the image', async () => {
    const api = v1Client(newTenant());
    await api.register('img-spark-35', { username: 'ubuntu', description: 'Spark' });
    await api.tag('img-spark-35', ['spark']);
    const answer = await api.show('img-spark-35');
    expect(answer.status).toBe(200);
    expect(answer.json.image).toMatchObject({
      id: 'img-spark-35',
      name: 'sahara-spark-3.5-ubuntu',
      username: 'ubuntu',
      description: 'Spark',
      tags: ['spark'],
      metadata: { _sahara_username: 'ubuntu', _sahara_description: 'Spark', _sahara_tag_spark: true },
      status: 'ACTIVE',
      minDisk: 20,
      minRam: 2048,
      'OS-EXT-IMG-SIZE:size': 1610612736,
      created: '2026-03-02T09:14:05Z',
    });
    expect(answer.json.image.updated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('answers 400 IMAGE_NOT_REGISTERED for a known image that is not registered', async () => {
    const answer = await v1Client(newTenant()).show('img-vanilla');
    expect(answer.status).toBe(400);
    expect(answer.json.error_name).toBe('IMAGE_NOT_REGISTERED');
    expect(answer.json.error_message).toMatch(/^Requested image 'img-vanilla' is not registered\nError ID: req-/);
  });

  it('answers 404 NOT_FOUND for an id the catalog does not know', async () => {
    const answer = await v1Client(newTenant()).show('no-such-image');
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ error_code: 404, error_name: 'NOT_FOUND' });
  });

  it('answers 404 for an id with an encoded slash or over 255 characters', async () => {
    const tenant = newTenant();
    for (const path of [`/v1.1/${tenant}/images/img%2Fspark`, `/v1.1/${tenant}/images/${'x'.repeat(300)}`]) {
      expect((await callApi({ method: 'GET', path, tenant })).status).toBe(404);
    }
  });

  it('ends every error message with the request id, also sent as x-openstack-request-id', async () => {
    const answer = await v1Client(newTenant()).show('no-such-image');
    const requestId = answer.headers['x-openstack-request-id'];
    expect(requestId).toMatch(/^req-/);
    expect(answer.json.error_message.endsWith(`\nError ID: ${requestId}`)).toBe(true);
  });
});

describe('GET .../images with limit and marker (paging)', () => {
  it('pages both versions along markers.next to the end, and answers no markers without paging parameters', async () => {
    const tenant = newTenant();
    const api = v1Client(tenant);
    const all = ['img-plain', 'img-saving', 'img-spark-34', 'img-spark-35', 'img-storm', 'img-vanilla'];
    for (const id of all) await api.register(id, { username: 'u' });
    expect((await api.list()).json).not.toHaveProperty('markers');
    for (const base of [`/v1.1/${tenant}/images`, '/v2/images']) {
      const seen: string[] = [];
      let answer = await callApi({ method: 'GET', path: `${base}?limit=4`, tenant });
      expect(answer.json.markers).toEqual({ prev: null, next: expect.any(String) });
      for (;;) {
        expect(answer.status).toBe(200);
        seen.push(...answer.json.images.map((image: { id: string }) => image.id));
        if (answer.json.markers.next === null) break;
        answer = await callApi({ method: 'GET', path: `${base}?limit=4&marker=${answer.json.markers.next}`, tenant });
      }
      expect(seen).toEqual(all);
      expect(answer.json.markers).toEqual({ prev: expect.any(String), next: null });
      const back = await callApi({ method: 'GET', path: `${base}?limit=4&marker=${answer.json.markers.prev}`, tenant });
      expect(back.json.images.map((image: { id: string }) => image.id)).toEqual(all.slice(0, 4));
    }
  });

  it('answers 400 VALIDATION_ERROR naming limit or marker when either is bad, on both versions', async () => {
    const tenant = newTenant();
    for (const base of [`/v1.1/${tenant}/images`, '/v2/images']) {
      const badLimit = await callApi({ method: 'GET', path: `${base}?limit=0`, tenant });
      expect(badLimit).toMatchObject({
        status: 400,
        json: { error_name: 'VALIDATION_ERROR', error_message: expect.stringMatching(/^limit: must be a whole number from 1 to 1000/) },
      });
      const badMarker = await callApi({ method: 'GET', path: `${base}?marker=bogus`, tenant });
      expect(badMarker).toMatchObject({
        status: 400,
        json: { error_name: 'VALIDATION_ERROR', error_message: expect.stringMatching(/^marker: 'bogus' is not a marker/) },
      });
    }
  });
});
