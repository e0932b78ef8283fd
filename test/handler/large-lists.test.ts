import { randomInt, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTable } from '../../infra/local/dynamodb-local.ts';
import { compareIds } from '../../lib/store/id-order.ts';
import { type ApiAnswer, callApi } from '../support/api.ts';
import { documentClient, newTenant } from '../support/fixtures.ts';
import { registeredImage, seedImages } from '../support/seed-images.ts';

// Tens of megabytes of records: on a table of this file's own, so that they do not crowd the
// shared table's change stream, which other tests read (test/handler/publish-image-changes.test.ts).
// The handlers read the name when first loaded.
const TABLE_NAME = `large-lists-${randomUUID()}`;
await ensureTable(inject('dynamodbEndpoint'), TABLE_NAME);
process.env.TABLE_NAME = TABLE_NAME;

/** Lambda refuses a result over this (the JSON of status, headers and body); API Gateway then answers a bare 500. */
const LAMBDA_RESULT_LIMIT = 6 * 1024 * 1024;
/** What python-saharaclient and the openstack CLI send (requests' default). */
const SAHARACLIENT = { 'accept-encoding': 'gzip, deflate' };

const words = ['spark', 'hadoop', 'storm', 'vanilla', 'ubuntu', 'centos', 'java', 'python', 'cluster', 'worker', 'master', 'nightly', 'stable', 'tuned'];
const prose = (length: number) =>
  Array.from({ length: length / 4 }, () => words[randomInt(words.length)])
    .join(' ')
    .slice(0, length);

const ids = (answer: ApiAnswer): string[] => answer.json.images.map((image: { id: string }) => image.id);

/** Follows `markers.next` (or `prev`) from `first`, as a client's pager does, and checks that every answer fits Lambda's result. */
const walk = async (list: (query: string) => Promise<ApiAnswer>, first: string, direction: 'next' | 'prev') => {
  const pages: string[][] = [];
  let answer = await list(first);
  for (;;) {
    expect(answer.status).toBe(200);
    expect(answer.resultBytes).toBeLessThanOrEqual(LAMBDA_RESULT_LIMIT);
    pages.push(ids(answer));
    const marker = answer.json.markers[direction];
    if (marker === null) return pages;
    answer = await list(`${first.replace(/&?marker=[^&]*/, '')}&marker=${marker}`);
  }
};

describe('a list past the 6 MB Lambda can return', () => {
  // 2,500 registered images with long descriptions and user names: about 7 MB of JSON in one answer.
  const tenant = newTenant();
  const seeded = Array.from({ length: 2_500 }, (_, i) =>
    registeredImage(`img-${String(i).padStart(5, '0')}-${randomInt(1e6)}`, [], { description: prose(1_000), username: `user-${prose(200)}` }),
  );
  const list = (query = '', headers: Record<string, string> = {}) =>
    callApi({ method: 'GET', path: `/v1.1/${tenant}/images${query ? `?${query}` : ''}`, tenant, headers });

  beforeAll(async () => {
    await seedImages({ client: documentClient(), tableName: TABLE_NAME, tenant, images: seeded });
  }, 120_000);

  it('is gzip-compressed for a client that accepts it (python-saharaclient does), within the limit, whole and in order', async () => {
    const answer = await list('', SAHARACLIENT);
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({ 'content-encoding': 'gzip', 'content-type': 'application/json', vary: 'Accept-Encoding' });
    expect(Buffer.byteLength(answer.text)).toBeGreaterThan(LAMBDA_RESULT_LIMIT);
    expect(answer.resultBytes).toBeLessThanOrEqual(LAMBDA_RESULT_LIMIT);
    expect(ids(answer)).toEqual(seeded.map((image) => image.id).sort(compareIds));
    expect(answer.json.markers).toBeUndefined();
  });

  it.each([
    ['no Accept-Encoding', {}],
    ['Accept-Encoding: identity', { 'accept-encoding': 'identity' }],
    ['gzip refused (q=0)', { 'accept-encoding': 'gzip;q=0, deflate' }],
  ])('is a clear 400 telling a client that sends %s to page, never a 500', async (_what, headers) => {
    const answer = await list('', headers);
    expect(answer.status).toBe(400);
    expect(answer.headers.vary).toBe('Accept-Encoding');
    expect(answer.json).toEqual({
      error_code: 400,
      error_name: 'RESPONSE_TOO_LARGE',
      error_message: expect.stringMatching(
        /^The answer is \d+ bytes of JSON, more than one answer can carry: ask for it a page at a time with limit \(up to 1000\) and marker, or accept gzip \(Accept-Encoding: gzip\)\nError ID: req-/,
      ),
    });
  });

  it('pages with limit and marker, every page within the limit uncompressed, every image once', async () => {
    const pages = await walk((query) => list(query), 'limit=1000', 'next');
    expect(pages.map((page) => page.length)).toEqual([1000, 1000, 500]);
    expect(pages.flat()).toEqual(seeded.map((image) => image.id).sort(compareIds));
  });

  it('is the same through v2', async () => {
    const v2 = (headers: Record<string, string>) => callApi({ method: 'GET', path: '/v2/images', tenant, headers });
    const compressed = await v2(SAHARACLIENT);
    expect(compressed).toMatchObject({ status: 200, headers: { 'content-encoding': 'gzip', vary: 'Accept-Encoding, OpenStack-API-Version' } });
    expect(ids(compressed)).toHaveLength(2_500);
    expect((await v2({})).json.error_name).toBe('RESPONSE_TOO_LARGE');
  });
});

describe('a page of images too large for one answer', () => {
  // 700 images whose every description and user name character is a quote: 3.6 MB of JSON, but over
  // 7 MB in Lambda's result, where each quote is escaped again. A page of 700 cannot be one answer.
  const tenant = newTenant();
  const seeded = Array.from({ length: 700 }, (_, i) =>
    registeredImage(`q-${String(i).padStart(4, '0')}`, [], { description: '"'.repeat(1024), username: '"'.repeat(255) }),
  );
  const all = seeded.map((image) => image.id).sort(compareIds);
  const list = (query: string) => callApi({ method: 'GET', path: `/v2/images?${query}`, tenant });

  beforeAll(async () => {
    await seedImages({ client: documentClient(), tableName: TABLE_NAME, tenant, images: seeded });
  }, 120_000);

  it('is cut short where it would not fit, and its next marker leads on from there: every image once, in order', async () => {
    const pages = await walk(list, 'limit=700', 'next');
    expect(pages.length).toBeGreaterThan(1);
    expect(pages[0]!.length).toBeLessThan(700);
    expect(pages.flat()).toEqual(all);
  });

  it('going back, keeps the images nearest its marker, and its prev marker leads on: every image once', async () => {
    // A marker past the last image, as a client holds when it pages back from the end.
    const pastTheEnd = Buffer.from(JSON.stringify({ before: 'q-9999' })).toString('base64url');
    const pages = await walk(list, `limit=700&marker=${pastTheEnd}`, 'prev');
    expect(pages.length).toBeGreaterThan(1);
    expect(pages[0]!.length).toBeLessThan(700);
    expect(pages[0]!.at(-1)).toBe(all.at(-1));
    expect(pages.reverse().flat()).toEqual(all);
  });

  it('is cut short the same way in any sort order, its markers leading on in that order', async () => {
    const pages = await walk(list, 'limit=700&sort_by=-id', 'next');
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.flat()).toEqual([...all].reverse());
  });

  it('whole, is gzip-compressed when accepted, and refused with 400 otherwise', async () => {
    const whole = (headers: Record<string, string>) => callApi({ method: 'GET', path: '/v2/images', tenant, headers });
    expect(ids(await whole(SAHARACLIENT))).toEqual(all);
    expect((await whole({})).json.error_name).toBe('RESPONSE_TOO_LARGE');
  });
});

describe('a small answer', () => {
  it('is not compressed, gzip accepted or not, and says it varies by Accept-Encoding', async () => {
    const tenant = newTenant();
    await seedImages({ client: documentClient(), tableName: TABLE_NAME, tenant, images: [registeredImage('img-small', ['spark'])] });
    const answer = await callApi({ method: 'GET', path: `/v1.1/${tenant}/images`, tenant, headers: SAHARACLIENT });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.headers.vary).toBe('Accept-Encoding');
    expect(ids(answer)).toEqual(['img-small']);
  });
});
