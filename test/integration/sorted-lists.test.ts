import { describe, expect, it } from 'vitest';
import type { ImageCatalog } from '../../lib/catalog/image-catalog.ts';
import { encodeMarker } from '../../lib/http/list-marker.ts';
import { renderImage } from '../../lib/http/render-image.ts';
import type { ImageFacts, ImageRecord } from '../../lib/registry/image.ts';
import type { ImagePage, ListFilter } from '../../lib/registry/image-registry.ts';
import { type ListOrder, parseSortBy, type SortField } from '../../lib/registry/list-order.ts';
import { newTenant, testRegistry, testStore } from '../support/fixtures.ts';

/**
 * Sorted lists against DynamoDB Local: every order both ways, ties, paging along next and prev, and
 * walks while other images are registered. The expected orders are written out by hand from the
 * values each image shows, so the tests do not reuse the code they check.
 */

/** A catalog whose images have the names and creation times the tests give them; any other id is known too. */
const catalogOf = (known: Record<string, Partial<ImageFacts>>): ImageCatalog => ({
  isWellFormedId: () => true,
  async describeImage(id) {
    return { name: id, status: 'ACTIVE', progress: 100, minDisk: 0, minRam: 0, size: 0, ...known[id] };
  },
});

/** A clock the test moves: registrations take its time as their created and updated. */
const testClock = () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  return { clock: () => new Date(now), set: (iso: string) => (now = Date.parse(iso)) };
};

const order = (sortBy: string): ListOrder => parseSortBy(sortBy)!;
const idsOf = (images: readonly ImageRecord[]) => images.map((image) => image.id);

/**
 * Six images: names with a tie (b-name twice) and a case difference (UTF-8 bytes: 'Z' before 'a'),
 * creation times from the catalog for some and from the registration for the others (with a tie),
 * and an updated time moved by a later tag change.
 */
const catalog = catalogOf({
  'img-1': { name: 'b-name', created: '2024-05-01T00:00:00Z' },
  'img-2': { name: 'a-name', created: '2025-01-01T00:00:00Z' },
  'img-3': { name: 'b-name', created: '2023-01-01T00:00:00Z' },
  'img-4': { name: 'Z-name' },
  'img-5': { name: 'c-name' },
  'img-6': { name: 'ä-name', created: '2025-01-01T00:00:00Z' },
});

const expected: Record<SortField, string[]> = {
  id: ['img-1', 'img-2', 'img-3', 'img-4', 'img-5', 'img-6'],
  // Z < a < b (img-1, img-3 by id) < c < ä, by UTF-8 bytes.
  name: ['img-4', 'img-2', 'img-1', 'img-3', 'img-5', 'img-6'],
  // 2023 img-3, 2024 img-1, 2025 img-2 and img-6 (tie, by id), then img-5 and img-4 as registered in 2026.
  created: ['img-3', 'img-1', 'img-2', 'img-6', 'img-5', 'img-4'],
  // All registered on 2026-02-01 but img-4 on 2026-02-02; img-2 tagged on 2026-03-01; the rest by id.
  updated: ['img-1', 'img-3', 'img-5', 'img-6', 'img-4', 'img-2'],
};

const seed = async () => {
  const tenant = newTenant();
  const time = testClock();
  const registry = testRegistry({ catalog, clock: time.clock, store: testStore({ pageSize: 2 }) });
  time.set('2026-02-01T00:00:00Z');
  for (const id of ['img-1', 'img-2', 'img-3', 'img-5', 'img-6']) await registry.registerImage(tenant, id, { username: 'u' });
  time.set('2026-02-02T00:00:00Z');
  await registry.registerImage(tenant, 'img-4', { username: 'u' });
  await registry.tagImage(tenant, 'img-4', ['spark']);
  time.set('2026-03-01T00:00:00Z');
  await registry.tagImage(tenant, 'img-2', ['spark']);
  for (const id of ['img-1', 'img-3', 'img-5', 'img-6']) {
    // Tagged with the clock back, so that their updated stays 2026-02-01 and ties.
    time.set('2026-02-01T00:00:00Z');
    await registry.tagImage(tenant, id, ['spark']);
  }
  await registry.tagImage(tenant, 'not-registered', ['spark']); // a record that is never listed
  return { tenant, registry, time };
};

type Registry = Awaited<ReturnType<typeof seed>>['registry'];

/** Follows `next` from the first page to the end; returns the pages. */
const walk = async (
  registry: Registry,
  tenant: string,
  filter: ListFilter,
  request: { limit: number; order: ListOrder },
  between = async (_page: number) => {},
) => {
  const pages: ImagePage[] = [await registry.listImagesPage(tenant, filter, request)];
  while (pages.at(-1)!.next) {
    await between(pages.length);
    pages.push(await registry.listImagesPage(tenant, filter, { ...request, position: pages.at(-1)!.next }));
  }
  return pages;
};

describe('sorted lists', () => {
  it.each(Object.keys(expected) as SortField[])('sort by %s, ascending and descending, whole and page by page both ways', async (field) => {
    const { tenant, registry } = await seed();
    for (const filter of [{}, { tags: ['spark'] }]) {
      for (const [sortBy, ids] of [
        [field, expected[field]],
        [`-${field}`, [...expected[field]].reverse()],
      ] as const) {
        expect(idsOf(await registry.listImages(tenant, filter, order(sortBy))), sortBy).toEqual(ids);
        for (const limit of [1, 4, 6]) {
          const pages = await walk(registry, tenant, filter, { limit, order: order(sortBy) });
          expect(
            pages.flatMap((page) => idsOf(page.images)),
            `${sortBy} by ${limit}`,
          ).toEqual(ids);
          expect(pages[0]!.prev).toBeUndefined();
          // Back along prev from the last page: the same pages, the first one without prev.
          let back = pages.at(-1)!;
          for (let i = pages.length - 2; i >= 0; i--) {
            back = await registry.listImagesPage(tenant, filter, { limit, order: order(sortBy), position: back.prev });
            expect(idsOf(back.images)).toEqual(idsOf(pages[i]!.images));
          }
          expect(back.prev).toBeUndefined();
        }
      }
    }
  });

  it('keeps the order of the values the images show', async () => {
    const { tenant, registry } = await seed();
    for (const field of ['name', 'created', 'updated'] as const) {
      const shown = (await registry.listImages(tenant, {}, order(field))).map((image) => renderImage(image)[field]);
      expect(shown).toEqual([...shown].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    }
  });

  it('a position stays where it was when its image changes or goes: a marker carries the key and the id', async () => {
    const { tenant, registry, time } = await seed();
    const first = await registry.listImagesPage(tenant, {}, { limit: 2, order: order('-updated') });
    expect(idsOf(first.images)).toEqual(['img-2', 'img-4']);
    expect(first.next).toEqual({ after: 'img-4', key: '2026-02-02T00:00:00Z' });
    await registry.unregisterImage(tenant, 'img-4');
    time.set('2026-04-01T00:00:00Z');
    await registry.registerImage(tenant, 'img-6', { username: 'changed' }); // moves to the front, behind the walk
    const second = await registry.listImagesPage(tenant, {}, { limit: 2, order: order('-updated'), position: first.next });
    expect(idsOf(second.images)).toEqual(['img-5', 'img-3']);
  });

  it.each(['name', '-name', 'created', '-created', 'id', '-id'])(
    'sort_by=%s: a walk along next yields every image once, in order, while others are registered ahead of it and behind it',
    async (sortBy) => {
      const tenant = newTenant();
      const time = testClock();
      const known: Record<string, Partial<ImageFacts>> = {};
      const registry = testRegistry({ catalog: catalogOf(known), clock: time.clock, store: testStore({ pageSize: 3 }) });
      const created = new Map<string, string>();
      const register = async (n: number, at: string) => {
        const id = `img-${String(n).padStart(3, '0')}`;
        known[id] = { name: `name-${String(n).padStart(3, '0')}` };
        created.set(id, at);
        time.set(at);
        await registry.registerImage(tenant, id, { username: 'u' });
        await registry.tagImage(tenant, id, ['spark']);
        return id;
      };
      const seeded: string[] = [];
      for (let i = 0; i < 20; i++) seeded.push(await register(i * 10, `2026-01-${String(i + 1).padStart(2, '0')}T00:00:00Z`));
      const added: string[] = [];
      const pages = await walk(registry, tenant, { tags: ['spark'] }, { limit: 3, order: order(sortBy) }, async (page) => {
        // Between pages, two more, on either side of the walk by name and id, and created after every seeded one.
        for (const n of [page * 10 - 5, 200 - page * 10 + 3])
          added.push(await register(n, `2026-02-01T00:${String(page).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}Z`));
      });
      const seen = pages.flatMap((page) => idsOf(page.images));
      const { field, descending } = order(sortBy);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => seeded.includes(id))).toEqual(descending ? [...seeded].reverse() : seeded);
      const keyOf = (id: string) => (field === 'name' ? known[id]!.name! : field === 'created' ? created.get(id)! : id);
      for (const [a, b] of seen.slice(1).map((id, i) => [seen[i]!, id] as const)) {
        const ascending = keyOf(a) < keyOf(b) || (keyOf(a) === keyOf(b) && a < b);
        expect(ascending, `${a} before ${b}`).toBe(!descending);
      }
      // Registered behind the walk, an image is not seen; ahead of it, once.
      if (sortBy === '-created') expect(seen.filter((id) => added.includes(id))).toEqual([]);
      else expect(seen.some((id) => added.includes(id))).toBe(true);
      if (sortBy === 'created') expect(new Set(seen.slice(-added.length))).toEqual(new Set(added));
    },
  );

  it('the newest image for some tags is the first of sort_by=-created with limit 1', async () => {
    const tenant = newTenant();
    const registry = testRegistry({
      catalog: catalogOf({
        'spark-old': { created: '2025-01-01T00:00:00Z' },
        'spark-new': { created: '2026-06-01T00:00:00Z' },
        'spark-newest-other-version': { created: '2026-07-01T00:00:00Z' },
      }),
    });
    for (const [id, tags] of [
      ['spark-old', ['spark', '3.5']],
      ['spark-new', ['spark', '3.5']],
      ['spark-newest-other-version', ['spark', '3.4']],
    ] as const) {
      await registry.registerImage(tenant, id, { username: 'ubuntu' });
      await registry.tagImage(tenant, id, tags);
    }
    const page = await registry.listImagesPage(tenant, { tags: ['spark', '3.5'] }, { limit: 1, order: order('-created') });
    expect(idsOf(page.images)).toEqual(['spark-new']);
    expect(page.next).toEqual({ after: 'spark-new', key: '2026-06-01T00:00:00Z' });
    expect(encodeMarker(page.next, order('-created'))).not.toBeNull();
  });

  it('-id reads from the end of the id order, about one page, like the id order does from its start', async () => {
    const { tenant, registry } = await seed();
    const last = await registry.listImagesPage(tenant, {}, { limit: 2, order: order('-id') });
    expect(idsOf(last.images)).toEqual(['img-6', 'img-5']);
    expect(last.next).toEqual({ after: 'img-5' });
    expect(last.prev).toBeUndefined();
  });
});

describe('deprecated images', () => {
  it('include_deprecated=false leaves out the images whose deprecation time has come, in every order', async () => {
    const tenant = newTenant();
    const time = testClock();
    const registry = testRegistry({
      clock: time.clock,
      catalog: catalogOf({
        'img-past': { deprecationTime: '2026-01-10T00:00:00Z' },
        'img-future': { deprecationTime: '2026-12-31T00:00:00Z' },
        'img-never': {},
      }),
    });
    time.set('2026-02-01T00:00:00Z');
    for (const id of ['img-past', 'img-future', 'img-never']) {
      await registry.registerImage(tenant, id, { username: 'u' });
      await registry.tagImage(tenant, id, ['spark']);
    }
    for (const filter of [{}, { tags: ['spark'] }]) {
      expect(idsOf(await registry.listImages(tenant, filter))).toEqual(['img-future', 'img-never', 'img-past']);
      expect(idsOf(await registry.listImages(tenant, { ...filter, includeDeprecated: true }))).toEqual(['img-future', 'img-never', 'img-past']);
      expect(idsOf(await registry.listImages(tenant, { ...filter, includeDeprecated: false }))).toEqual(['img-future', 'img-never']);
      expect(idsOf(await registry.listImages(tenant, { ...filter, includeDeprecated: false }, order('-id')))).toEqual(['img-never', 'img-future']);
      const page = await registry.listImagesPage(tenant, { ...filter, includeDeprecated: false }, { limit: 1, order: order('-name') });
      expect(idsOf(page.images)).toEqual(['img-never']);
    }
    // The time comes for img-future: it leaves the list without any write.
    time.set('2026-12-31T00:00:00Z');
    expect(idsOf(await registry.listImages(tenant, { includeDeprecated: false }))).toEqual(['img-never']);
  });
});
