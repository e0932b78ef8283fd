import { describe, expect, it } from 'vitest';
import { imageListResponse } from '../../lib/http/response-schemas.ts';
import { v1Client, v2Client } from '../support/api.ts';
import { newTenant } from '../support/fixtures.ts';

/**
 * sort_by through the handlers, both versions, with the test catalog's images: their creation
 * times are img-vanilla 2019, img-storm 2020, img-spark-34 2025-10, img-spark-35 2026-03; img-plain
 * has none, so it shows when it was registered (now, the newest).
 */
const ids = (answer: { json: any }) => answer.json.images.map((image: { id: string }) => image.id);

const expectValidationError = (answer: { status: number; json: any }, message: string) => {
  expect(answer.status).toBe(400);
  expect(answer.json).toEqual({ error_code: 400, error_name: 'VALIDATION_ERROR', error_message: expect.stringMatching(/\nError ID: req-\S+$/) });
  expect(answer.json.error_message.split('\n')[0]).toBe(message);
};

const clients = [
  ['v1.1', v1Client],
  ['v2', v2Client],
] as const;

const seed = async (client: (typeof clients)[number][1]) => {
  const api = client(newTenant());
  for (const id of ['img-spark-35', 'img-spark-34', 'img-vanilla', 'img-storm', 'img-plain']) await api.register(id, { username: 'ubuntu' });
  return api;
};

describe.each(clients)('sort_by on %s lists', (_version, client) => {
  it('orders the whole list by each field both ways, the default staying by id', async () => {
    const api = await seed(client);
    const byId = ['img-plain', 'img-spark-34', 'img-spark-35', 'img-storm', 'img-vanilla'];
    const byCreated = ['img-vanilla', 'img-storm', 'img-spark-34', 'img-spark-35', 'img-plain'];
    // sahara-spark-3.4-ubuntu < sahara-spark-3.5-ubuntu < sahara-vanilla-2.7.1-centos; 'S' and 'p' before 's' in bytes.
    const byName = ['img-storm', 'img-plain', 'img-spark-34', 'img-spark-35', 'img-vanilla'];
    expect(ids(await api.list())).toEqual(byId);
    expect(ids(await api.list('sort_by='))).toEqual(byId);
    for (const [field, order] of [
      ['id', byId],
      ['created', byCreated],
      ['name', byName],
    ] as const) {
      expect(ids(await api.list(`sort_by=${field}`)), field).toEqual(order);
      expect(ids(await api.list(`sort_by=-${field}`)), `-${field}`).toEqual([...order].reverse());
    }
    const byUpdated = (await api.list('sort_by=updated')).json.images.map((image: { updated: string }) => image.updated);
    expect(byUpdated).toEqual([...byUpdated].sort());
  });

  it('answers "the newest image for these tags" with one page of sort_by=-created, and pages on along its markers', async () => {
    const tenant = newTenant();
    const api = client(tenant);
    for (const id of ['img-spark-35', 'img-spark-34', 'img-vanilla']) await api.register(id, { username: 'ubuntu' });
    // Tagged through v2's PUT, which both versions' lists see.
    await v2Client(tenant).replaceTags('img-spark-35', ['spark', '3.5']);
    await v2Client(tenant).replaceTags('img-spark-34', ['spark', '3.5']);
    await v2Client(tenant).replaceTags('img-vanilla', ['spark']);
    const newest = await api.list('tags=spark&tags=3.5&sort_by=-created&limit=1');
    expect(newest.status).toBe(200);
    expect(imageListResponse.parse(newest.json)).toEqual(newest.json);
    expect(newest.json.images).toMatchObject([{ id: 'img-spark-35', created: '2026-03-02T09:14:05Z', username: 'ubuntu' }]);
    expect(newest.json.markers.prev).toBeNull();
    const next = await api.list(`tags=spark&tags=3.5&sort_by=-created&limit=1&marker=${newest.json.markers.next}`);
    expect(ids(next)).toEqual(['img-spark-34']);
    expect(next.json.markers.next).toBeNull();
    const back = await api.list(`tags=spark&tags=3.5&sort_by=-created&limit=1&marker=${next.json.markers.prev}`);
    expect(ids(back)).toEqual(['img-spark-35']);
    expect(back.json.markers.prev).toBeNull();
  });

  it('refuses an unknown sort_by with 400 VALIDATION_ERROR naming every order', async () => {
    const api = client(newTenant());
    for (const sortBy of ['colour', 'created_at', '-', 'NAME']) {
      expectValidationError(
        await api.list(`sort_by=${sortBy}`),
        `sort_by: '${sortBy}' is not an order to sort by; use one of id, -id, name, -name, created, -created, updated, -updated`,
      );
    }
  });

  it('refuses a marker sent with another sort_by than the one it was given out for', async () => {
    const api = await seed(client);
    const page = await api.list('sort_by=-created&limit=2');
    expect(ids(page)).toEqual(['img-plain', 'img-spark-35']);
    const { next } = page.json.markers;
    expectValidationError(await api.list(`limit=2&marker=${next}`), 'marker: was given out for sort_by=-created, not id; send the sort_by it came with');
    expectValidationError(
      await api.list(`sort_by=name&limit=2&marker=${next}`),
      'marker: was given out for sort_by=-created, not name; send the sort_by it came with',
    );
    expect(ids(await api.list(`sort_by=-created&limit=2&marker=${next}`))).toEqual(['img-spark-34', 'img-storm']);
  });

  it('refuses an include_deprecated that is not true or false', async () => {
    expectValidationError(await client(newTenant()).list('include_deprecated=maybe'), 'include_deprecated: must be true or false');
  });
});
