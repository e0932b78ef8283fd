import { describe, expect, it } from 'vitest';
import { openCatalog } from '../../lib/catalog/open-catalog.ts';
import type { ImagePage, ListFilter } from '../../lib/registry/image-registry.ts';
import { createImageRegistry } from '../../lib/registry/image-registry.ts';
import { createDynamoDbImageStore } from '../../lib/store/dynamodb-image-store.ts';
import { documentClient, newTenant, TABLE_NAME, testRegistry, testStore } from '../support/fixtures.ts';

// Small DynamoDB pages, so that one list page spans several queries.
const registry = testRegistry({ catalog: openCatalog, store: testStore({ pageSize: 4 }) });
const idsOf = (page: ImagePage) => page.images.map((image) => image.id);
const name = (i: number) => `img-${String(i).padStart(3, '0')}`;

const registerAll = async (tenant: string, ids: string[], tags: string[] = []) => {
  for (let i = 0; i < ids.length; i += 20) {
    await Promise.all(
      ids.slice(i, i + 20).map(async (id) => {
        await registry.registerImage(tenant, id, { username: 'u' });
        if (tags.length > 0) await registry.tagImage(tenant, id, tags);
      }),
    );
  }
};

/** Follows `next` from the first page to the end, running `between` after each page. */
const walk = async (tenant: string, filter: ListFilter, limit: number, between: (pageNumber: number) => Promise<void> = async () => {}) => {
  const seen: string[] = [];
  let page = await registry.listImagesPage(tenant, filter, { limit });
  for (let pageNumber = 1; ; pageNumber++) {
    expect(page.images.length).toBeLessThanOrEqual(limit);
    seen.push(...idsOf(page));
    if (!page.next) return seen;
    await between(pageNumber);
    page = await registry.listImagesPage(tenant, filter, { limit, position: page.next });
  }
};

describe('list paging', () => {
  it('walks the whole list along next, every image once, in id order; the last page has no next', async () => {
    const tenant = newTenant();
    const ids = Array.from({ length: 23 }, (_, i) => name(i));
    await registerAll(tenant, ids);
    await registry.tagImage(tenant, 'not-registered', ['x']); // a record that is never listed
    expect(await walk(tenant, {}, 5)).toEqual(ids);
    expect(await walk(tenant, {}, 23)).toEqual(ids);
    expect(await walk(tenant, {}, 1000)).toEqual(ids);
    const first = await registry.listImagesPage(tenant, {}, { limit: 5 });
    expect(first.prev).toBeUndefined();
    const last = await registry.listImagesPage(tenant, {}, { limit: 5, position: { after: name(19) } });
    expect(idsOf(last)).toEqual([name(20), name(21), name(22)]);
    expect(last.next).toBeUndefined();
  });

  it('walks a list filtered by tags and a name the same way', async () => {
    const tenant = newTenant();
    const ids = Array.from({ length: 30 }, (_, i) => name(i));
    await registerAll(
      tenant,
      ids.filter((_, i) => i % 3 !== 0),
      ['spark'],
    );
    await registerAll(
      tenant,
      ids.filter((_, i) => i % 3 === 0),
      ['storm'],
    );
    const spark = ids.filter((_, i) => i % 3 !== 0);
    expect(await walk(tenant, { tags: ['spark'] }, 4)).toEqual(spark);
    expect(await walk(tenant, { tags: ['spark'], name: 'img-01' }, 3)).toEqual(spark.filter((id) => id.startsWith('img-01')));
    expect(await walk(tenant, { tags: ['spark', 'storm'] }, 4)).toEqual([]);
  });

  it('yields every image once while others are registered before and after the walk position', async () => {
    const tenant = newTenant();
    const ids = Array.from({ length: 20 }, (_, i) => name(i * 10));
    await registerAll(tenant, ids, ['spark']);
    const added: string[] = [];
    const seen = await walk(tenant, { tags: ['spark'] }, 3, async (pageNumber) => {
      // One behind the walk (never seen), one ahead of it (seen once).
      for (const id of [name(pageNumber * 10 - 5), name(pageNumber * 30 + 5)]) {
        await registry.registerImage(tenant, id, { username: 'u' });
        await registry.tagImage(tenant, id, ['spark']);
        added.push(id);
      }
    });
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
    expect([...seen].sort()).toEqual(seen);
    expect(seen.some((id) => added.includes(id))).toBe(true);
  });

  it('goes back along prev to the pages already seen, and the first page has no prev', async () => {
    const tenant = newTenant();
    const ids = Array.from({ length: 12 }, (_, i) => name(i));
    await registerAll(tenant, ids, ['spark']);
    for (const filter of [{}, { tags: ['spark'] }]) {
      const first = await registry.listImagesPage(tenant, filter, { limit: 5 });
      const second = await registry.listImagesPage(tenant, filter, { limit: 5, position: first.next });
      const third = await registry.listImagesPage(tenant, filter, { limit: 5, position: second.next });
      expect([idsOf(first), idsOf(second), idsOf(third)]).toEqual([ids.slice(0, 5), ids.slice(5, 10), ids.slice(10)]);
      const backToSecond = await registry.listImagesPage(tenant, filter, { limit: 5, position: third.prev });
      expect(idsOf(backToSecond)).toEqual(ids.slice(5, 10));
      const backToFirst = await registry.listImagesPage(tenant, filter, { limit: 5, position: backToSecond.prev });
      expect(idsOf(backToFirst)).toEqual(ids.slice(0, 5));
      expect(backToFirst.prev).toBeUndefined();
      expect(idsOf(await registry.listImagesPage(tenant, filter, { limit: 5, position: backToFirst.next }))).toEqual(ids.slice(5, 10));
    }
  });

  it('answers an empty page with no markers for a position past the end', async () => {
    const tenant = newTenant();
    await registerAll(tenant, [name(1)]);
    expect(await registry.listImagesPage(tenant, {}, { limit: 5, position: { after: name(9) } })).toEqual({ images: [] });
    expect(await registry.listImagesPage(tenant, {}, { limit: 5, position: { before: name(0) } })).toEqual({ images: [] });
  });
});

describe('list paging reads', () => {
  /** A registry whose DynamoDB client counts the records and index entries it is sent back. */
  const countingRegistry = () => {
    const client = documentClient();
    const read = { query: 0, batchGet: 0 };
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const output = result.output as { Items?: unknown[]; Responses?: Record<string, unknown[]> };
        read.query += output.Items?.length ?? 0;
        read.batchGet += output.Responses?.[TABLE_NAME]?.length ?? 0;
        return result;
      },
      { step: 'initialize' },
    );
    return { registry: createImageRegistry({ store: createDynamoDbImageStore({ client, tableName: TABLE_NAME }), catalog: openCatalog }), read };
  };

  it('start at the marker and read about one page, not the list before it or after it', async () => {
    const tenant = newTenant();
    await registerAll(
      tenant,
      Array.from({ length: 120 }, (_, i) => name(i)),
      ['spark'],
    );
    const { registry: counted, read } = countingRegistry();
    const page = await counted.listImagesPage(tenant, {}, { limit: 5, position: { after: name(99) } });
    expect(idsOf(page)).toEqual([100, 101, 102, 103, 104].map(name));
    expect(read.query).toBe(6); // the page and one more, to know there is a next page

    read.query = 0;
    const tagged = await counted.listImagesPage(tenant, { tags: ['spark'] }, { limit: 5, position: { after: name(99) } });
    expect(idsOf(tagged)).toEqual(idsOf(page));
    expect(read.query).toBe(20); // index entries from the marker on
    expect(read.batchGet).toBe(6); // records: the page and one more
  });
});
