import { describe, expect, it } from 'vitest';
import { glanceError, glanceImage, glanceImageList, glanceVersions } from '../../lib/http/glance-response-schemas.ts';
import { type ApiAnswer, callApi, v1Client } from '../support/api.ts';
import { callsDuring } from '../support/dynamodb-calls.ts';
import { newTenant } from '../support/fixtures.ts';
import { tenantItems } from '../support/table-inspection.ts';

/** The read-only image service over the test catalog (test/support/test-catalog.json), as API Gateway would invoke it. */
const get = (path: string, headers: Record<string, string> = {}, tenant: string | null = newTenant()) => callApi({ method: 'GET', path, tenant, headers });
const ids = (answer: ApiAnswer) => answer.json.images.map((image: { id: string }) => image.id);
/** Glance's default order: newest first (created_at desc, unknown dates last), then id desc. */
const CATALOG_IDS = ['img-spark-35', 'img-spark-34', 'img-storm', 'img-vanilla', 'img-saving', 'img-plain'];

describe('image service: the version document', () => {
  it('answers GET /image and /image/versions with the v2 entry linking back under the URL asked', async () => {
    const answer = await get('/image', { host: 'registry.example.com:8386' });
    expect(answer).toMatchObject({ status: 200, operation: 'image-service-versions' });
    expect(answer.json).toEqual({
      versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: 'http://registry.example.com:8386/image/v2/' }] }],
    });
    glanceVersions.parse(answer.json);
    expect(answer.headers['openstack-api-version']).toBeUndefined();
    // glanceclient asks /versions (relative to its endpoint) and refuses a 300 there.
    const versions = await get('/image/versions', { host: 'registry.example.com:8386' });
    expect(versions).toMatchObject({ status: 200, operation: 'image-service-versions' });
    expect(versions.json.versions[0].links[0].href).toBe('http://registry.example.com:8386/image/v2/');
  });

  it("links with API Gateway's scheme and the caller's host, and never echoes a host that is not one", async () => {
    const behindApiGateway = await get('/image', { host: 'abc123.execute-api.eu-west-1.amazonaws.com', 'x-forwarded-proto': 'https' });
    expect(behindApiGateway.json.versions[0].links[0].href).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/image/v2/');
    const forged = await get('/image', { host: 'evil.example/<script>', 'x-forwarded-proto': 'gopher' });
    expect(forged.json.versions[0].links[0].href).toBe('http://localhost/image/v2/');
  });

  it('answers GET /image/ too, through the $default route, since no API Gateway route can end in a slash', async () => {
    const answer = await get('/image/', { host: '127.0.0.1:8386' });
    expect(answer).toMatchObject({ status: 200, operation: 'route-not-found' });
    expect(answer.json.versions[0].links[0].href).toBe('http://127.0.0.1:8386/image/v2/');
    expect((await get('/image//')).status).toBe(404);
  });
});

describe('image service: one image', () => {
  it("answers an image of the catalog in Glance v2's shape, from the catalog's facts", async () => {
    const answer = await get('/image/v2/images/img-spark-35');
    expect(answer).toMatchObject({ status: 200, operation: 'show-catalog-image' });
    expect(answer.json).toEqual({
      id: 'img-spark-35',
      name: 'sahara-spark-3.5-ubuntu',
      status: 'active',
      visibility: 'public',
      protected: false,
      os_hidden: false,
      min_disk: 20,
      min_ram: 2048,
      size: 1610612736,
      virtual_size: null,
      disk_format: null,
      container_format: null,
      checksum: null,
      os_hash_algo: null,
      os_hash_value: null,
      owner: null,
      created_at: '2026-03-02T09:14:05Z',
      updated_at: '2026-03-02T09:20:41Z',
      tags: [],
      self: '/v2/images/img-spark-35',
      file: '/v2/images/img-spark-35/file',
      schema: '/v2/schemas/image',
    });
    glanceImage.parse(answer.json);
  });

  it("gives Glance's lower-case status and null for dates the catalog does not know", async () => {
    expect((await get('/image/v2/images/img-saving')).json).toMatchObject({ status: 'saving', created_at: null, updated_at: null });
    expect((await get('/image/v2/images/img-storm')).json).toMatchObject({ created_at: '2020-08-11T08:05:33Z', updated_at: '2020-08-11T08:05:33Z' });
  });

  it("answers an unknown or malformed id with Glance's 404: JSON to a JSON caller, text to any other", async () => {
    for (const path of ['/image/v2/images/no-such-image', `/image/v2/images/${'x'.repeat(300)}`, '/image/v2/images/a%2Fb']) {
      const json = await get(path, { accept: 'application/json' });
      expect(json.status).toBe(404);
      expect(json.headers['content-type']).toBe('application/json');
      expect(json.headers['x-openstack-request-id']).toMatch(/^req-/);
      expect(glanceError.parse(json.json)).toMatchObject({
        code: '404 Not Found',
        title: 'Not Found',
        message: expect.stringMatching(/^No image found with ID /),
      });
    }
    const text = await get('/image/v2/images/no-such-image', { accept: '*/*' });
    expect([text.status, text.json]).toEqual([404, undefined]);
    expect(text.text).toBe('404 Not Found\n\nNo image found with ID no-such-image\n');
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
  });
});

describe('image service: lists', () => {
  it("lists the catalog in Glance's list shape and default order, 25 to a page by default", async () => {
    const answer = await get('/image/v2/images');
    expect(answer).toMatchObject({ status: 200, operation: 'list-catalog-images' });
    expect(ids(answer)).toEqual(CATALOG_IDS);
    expect(answer.json).toMatchObject({ first: '/v2/images', schema: '/v2/schemas/images' });
    expect(answer.json.next).toBeUndefined();
    glanceImageList.parse(answer.json);
  });

  it('finds the images of exactly one name, as openstacksdk does after a show by that name fails', async () => {
    expect(ids(await get('/image/v2/images?name=sahara-spark-3.5-ubuntu'))).toEqual(['img-spark-35']);
    expect(ids(await get('/image/v2/images?name=sahara-spark'))).toEqual([]);
    expect((await get('/image/v2/images?name=plain-ubuntu')).json.first).toBe('/v2/images?name=plain-ubuntu');
  });

  it('pages with limit and marker: next links to the page after, first to the start, every image once', async () => {
    const seen: string[] = [];
    let path = '/image/v2/images?limit=4';
    const pages: ApiAnswer[] = [];
    for (;;) {
      const page = await get(path);
      expect(page.status).toBe(200);
      pages.push(page);
      seen.push(...ids(page));
      if (!page.json.next) break;
      path = `/image${page.json.next}`;
    }
    expect(seen).toEqual(CATALOG_IDS);
    expect(pages.map((page) => [page.json.first, page.json.next])).toEqual([
      ['/v2/images?limit=4', '/v2/images?limit=4&marker=img-vanilla'],
      ['/v2/images?limit=4', undefined],
    ]);
  });

  it("takes limit as Glance does: 0 is an empty page, over 1000 is capped, not a whole number is Glance's 400", async () => {
    const empty = await get('/image/v2/images?limit=0');
    expect([empty.status, ids(empty), empty.json.next]).toEqual([200, [], undefined]);
    expect(ids(await get('/image/v2/images?limit=5000'))).toEqual(CATALOG_IDS);
    for (const limit of ['-1', 'abc', '1.5', '', '9999999999']) {
      const answer = await get(`/image/v2/images?limit=${limit}`, { accept: 'application/json' });
      expect([answer.status, answer.json.title], limit).toEqual([400, 'Bad Request']);
      expect(answer.json.message).toContain('limit');
    }
  });

  it("answers a marker that is no image of the list, and a filter this catalog cannot apply, with Glance's 400", async () => {
    const marker = await get('/image/v2/images?marker=no-such-image', { accept: 'application/json' });
    expect(marker.status).toBe(400);
    expect(marker.json.message).toBe('Invalid marker no-such-image. Image could not be found.');
    const filter = await get('/image/v2/images?tag=spark', { accept: 'application/json' });
    expect(filter.status).toBe(400);
    expect(filter.json.message).toContain("unsupported parameter 'tag'");
    for (const bad of ['visibility=secret', 'os_hidden=maybe']) expect((await get(`/image/v2/images?${bad}`)).status, bad).toBe(400);
  });

  it("filters by Glance's status, and by visibility and os_hidden as catalog images are: public, never hidden", async () => {
    expect(ids(await get('/image/v2/images?status=saving'))).toEqual(['img-saving']);
    expect(ids(await get('/image/v2/images?visibility=public&os_hidden=false'))).toEqual(CATALOG_IDS);
    expect(ids(await get('/image/v2/images?visibility=all'))).toEqual(CATALOG_IDS);
    // openstacksdk's find_image asks for hidden images when a name is not found.
    expect(ids(await get('/image/v2/images?os_hidden=True'))).toEqual([]);
    expect(ids(await get('/image/v2/images?visibility=private'))).toEqual([]);
    const page = await get('/image/v2/images?status=active&os_hidden=false&limit=1');
    expect(page.json.next).toBe('/v2/images?status=active&os_hidden=false&limit=1&marker=img-spark-35');
  });

  it('sorts as Glance does, in both its syntaxes, and pages in that order', async () => {
    const byName = ['img-storm', 'img-saving', 'img-plain', 'img-spark-34', 'img-spark-35', 'img-vanilla'];
    // glance image-list sends sort_key=name&sort_dir=asc; Sahara-Storm sorts before the lower-case names.
    expect(ids(await get('/image/v2/images?sort_key=name&sort_dir=asc'))).toEqual(byName);
    expect(ids(await get('/image/v2/images?sort=name:asc'))).toEqual(byName);
    expect(ids(await get('/image/v2/images?sort_key=name'))).toEqual([...byName].reverse());
    expect(ids(await get('/image/v2/images?sort=size:asc,id:desc'))).toEqual([
      'img-saving',
      'img-plain',
      'img-storm',
      'img-vanilla',
      'img-spark-34',
      'img-spark-35',
    ]);
    const seen: string[] = [];
    let path = '/image/v2/images?sort_key=name&sort_dir=asc&limit=2';
    for (let page = await get(path); ; page = await get(path)) {
      seen.push(...ids(page));
      if (!page.json.next) break;
      expect(page.json.next).toMatch(/^\/v2\/images\?sort=name%3Aasc&limit=2&marker=/);
      path = `/image${page.json.next}`;
    }
    expect(seen).toEqual(byName);
  });

  it("refuses a sort Glance would refuse, with Glance's messages", async () => {
    const messageOf = async (query: string) => (await get(`/image/v2/images?${query}`, { accept: 'application/json' })).json.message;
    expect(await messageOf('sort_key=colour')).toContain("Invalid sort key: 'colour'. It must be one of the following: name, status");
    expect(await messageOf('sort=name:up')).toContain("Invalid sort direction: 'up'");
    expect(await messageOf('sort=name&sort_key=id')).toContain('Old and new sorting syntax cannot be combined');
    expect(await messageOf('sort_key=name&sort_key=id&sort_dir=asc&sort_dir=desc&sort_dir=asc')).toContain('Number of sort dirs does not match');
  });
});

describe('image service: schemas', () => {
  it("serves Glance's image and images schemas, which glanceclient builds its model from", async () => {
    const image = await get('/image/v2/schemas/image');
    expect(image).toMatchObject({ status: 200, operation: 'show-catalog-schema', json: { name: 'image', additionalProperties: { type: 'string' } } });
    const answered = (await get('/image/v2/images/img-saving')).json;
    expect(Object.keys(image.json.properties).sort()).toEqual(Object.keys(answered).sort());
    const images = await get('/image/v2/schemas/images');
    expect(images.json).toMatchObject({ name: 'images', properties: { images: { type: 'array', items: { name: 'image' } } } });
    expect((await get('/image/v2/schemas/member')).status).toBe(404);
  });
});

describe('image service: authentication, tenancy and cost', () => {
  it("refuses a token without a tenant with 401 in Glance's body", async () => {
    const answer = await get('/image/v2/images/img-spark-35', { accept: 'application/json' }, null);
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ code: '401 Unauthorized', title: 'Unauthorized' });
  });

  it("shows the catalog, never a tenant's registration: the same answer before and after a tenant tags the image, and nothing written", async () => {
    const tenant = newTenant();
    const before = await get('/image/v2/images/img-spark-35', {}, tenant);
    await v1Client(tenant).register('img-spark-35', { username: 'secret-user' });
    await v1Client(tenant).tag('img-spark-35', ['secret-tag']);
    const after = await get('/image/v2/images/img-spark-35', {}, tenant);
    expect(after.json).toEqual(before.json);
    expect(after.text).not.toMatch(/secret/);
    const reader = newTenant();
    for (const path of ['/image', '/image/v2/images', '/image/v2/images/img-spark-35']) await get(path, {}, reader);
    expect(await tenantItems(reader)).toEqual([]);
  });

  it('makes no DynamoDB call at all', async () => {
    for (const path of ['/image', '/image/v2/schemas/image', '/image/v2/images?limit=2', '/image/v2/images/img-spark-35', '/image/v2/images/no-such-image']) {
      const { calls } = await callsDuring(() => get(path));
      expect(calls, path).toEqual([]);
    }
  });
});
