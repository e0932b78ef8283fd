import { beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '../../lib/store/table-definition.ts';
import { v1Client } from '../support/api.ts';
import { callsDuring, capacityOf, countByAction, type DynamoDbCall } from '../support/dynamodb-calls.ts';
import { documentClient, newTenant, TABLE_NAME } from '../support/fixtures.ts';
import { registeredImage, seedImages } from '../support/seed-images.ts';

/**
 * The DynamoDB floor of every operation (docs/performance.md, "What npm test holds"), counted on the very
 * client the handlers use. These figures do not depend on the machine, so they are tests; the
 * times are the bench's (npm run bench).
 */
const client = documentClient();
const seed = (tenant: string, images: Parameters<typeof seedImages>[0]['images']) => seedImages({ client, tableName: TABLE_NAME, tenant, images });

const idsOf = (answer: { json: { images: { id: string }[] } }) => answer.json.images.map((image) => image.id);
const queriesOf = (calls: readonly DynamoDbCall[]) => calls.filter((call) => call.action === 'Query');

describe('DynamoDB calls per operation', () => {
  it('show reads one item', async () => {
    const tenant = newTenant();
    await seed(tenant, [registeredImage('img-spark-35', ['spark', '3.5'])]);
    const { result, calls } = await callsDuring(() => v1Client(tenant).show('img-spark-35'));
    expect(result.status).toBe(200);
    expect(countByAction(calls)).toEqual({ GetItem: 1 });
  });

  it('register writes one item, at the first registration and at a change', async () => {
    const api = v1Client(newTenant());
    const first = await callsDuring(() => api.register('img-spark-35', { username: 'ubuntu' }));
    const change = await callsDuring(() => api.register('img-spark-35', { username: 'centos', description: 'd' }));
    expect([first.result.status, change.result.status]).toEqual([202, 202]);
    expect(countByAction(first.calls)).toEqual({ UpdateItem: 1 });
    expect(countByAction(change.calls)).toEqual({ UpdateItem: 1 });
  });

  it('a tag change reads the record once and writes it with its index entries in one transaction', async () => {
    const tenant = newTenant();
    await seed(tenant, [registeredImage('img-spark-35', ['spark'])]);
    const api = v1Client(tenant);
    const tag = await callsDuring(() => api.tag('img-spark-35', ['3.5', 'ubuntu']));
    const untag = await callsDuring(() => api.untag('img-spark-35', ['spark', '3.5']));
    const firstTagOfUnknownRecord = await callsDuring(() => api.tag('img-vanilla', ['vanilla']));
    for (const { result, calls } of [tag, untag, firstTagOfUnknownRecord]) {
      expect(result.status).toBe(202);
      expect(countByAction(calls)).toEqual({ GetItem: 1, TransactWriteItems: 1 });
    }
  });

  it('unregister reads the record once and deletes it (with its index entries) in one write', async () => {
    const tenant = newTenant();
    await seed(tenant, [registeredImage('img-spark-35', ['spark']), registeredImage('img-vanilla', [])]);
    const api = v1Client(tenant);
    const tagged = await callsDuring(() => api.unregister('img-spark-35'));
    const untagged = await callsDuring(() => api.unregister('img-vanilla'));
    expect([tagged.result.status, untagged.result.status]).toEqual([204, 204]);
    expect(countByAction(tagged.calls)).toEqual({ GetItem: 1, TransactWriteItems: 1 });
    expect(countByAction(untagged.calls)).toEqual({ GetItem: 1, DeleteItem: 1 });
  });

  describe('list by tags: one index query per tag and one batch read per 100 matches, never a scan', () => {
    const tenant = newTenant();
    // 250 images: `every` on all, `even` on half, `rare` on the first 10, `none` nowhere.
    beforeAll(() =>
      seed(
        tenant,
        Array.from({ length: 250 }, (_, i) =>
          registeredImage(`img-${String(i).padStart(3, '0')}`, ['every', ...(i % 2 === 0 ? ['even'] : []), ...(i < 10 ? ['rare'] : [])]),
        ),
      ),
    );

    it.each([
      { tags: ['rare'], matches: 10 },
      { tags: ['every'], matches: 250 },
      { tags: ['every', 'even'], matches: 125 },
      { tags: ['every', 'even', 'rare'], matches: 5 },
      { tags: ['none'], matches: 0 },
      { tags: ['every', 'none'], matches: 0 },
    ])('tags $tags: $matches matches', async ({ tags, matches }) => {
      const query = tags.map((tag) => `tags=${tag}`).join('&');
      const { result, calls } = await callsDuring(() => v1Client(tenant).list(query));
      expect(idsOf(result)).toHaveLength(matches);
      const batchReads = Math.ceil(matches / 100);
      expect(countByAction(calls)).toEqual({ Query: tags.length, ...(batchReads > 0 ? { BatchGetItem: batchReads } : {}) });
      expect(queriesOf(calls).map((call) => call.input.IndexName)).toEqual(tags.map(() => tableDefinition.tagIndex.name));
    });
  });

  describe('cost against the size of the catalogue', () => {
    const small = newTenant();
    const large = newTenant();
    const LARGE_SIZE = 10_000;
    // The same 100 tagged images in both tenants; the large one holds 9,900 more that carry other tags.
    const shared = Array.from({ length: 100 }, (_, i) =>
      registeredImage(`img-${String(i).padStart(5, '0')}`, [`group-${i % 10}`, ...(i % 4 === 0 ? ['quarter'] : [])]),
    );
    beforeAll(async () => {
      const others = Array.from({ length: LARGE_SIZE - shared.length }, (_, i) =>
        registeredImage(`other-${String(i).padStart(5, '0')}`, [], { description: 'an image that matches no query of these tests' }),
      );
      await Promise.all([seed(small, shared), seed(large, [...shared, ...others])]);
    });

    it('a list by tags consumes the same capacity at 100 images as at 10,000', async () => {
      for (const query of ['tags=group-3', 'tags=quarter', 'tags=quarter&tags=group-4', 'tags=absent']) {
        const inSmall = await callsDuring(() => v1Client(small).list(query));
        const inLarge = await callsDuring(() => v1Client(large).list(query));
        expect(idsOf(inLarge.result)).toEqual(idsOf(inSmall.result));
        expect(countByAction(inLarge.calls)).toEqual(countByAction(inSmall.calls));
        expect(capacityOf(inLarge.calls)).toEqual(capacityOf(inSmall.calls));
      }
      expect(capacityOf((await callsDuring(() => v1Client(large).list('tags=quarter'))).calls).read).toBeGreaterThan(0);
    });

    it('a sorted list by tags reads only the matches: the same calls and capacity at 100 images as at 10,000', async () => {
      for (const query of ['tags=group-3&sort_by=-created&limit=1', 'tags=quarter&sort_by=name', 'tags=quarter&tags=group-4&sort_by=-updated&limit=2']) {
        const inSmall = await callsDuring(() => v1Client(small).list(query));
        const inLarge = await callsDuring(() => v1Client(large).list(query));
        expect(inLarge.result.status).toBe(200);
        expect(idsOf(inLarge.result)).toEqual(idsOf(inSmall.result));
        expect(countByAction(inLarge.calls)).toEqual(countByAction(inSmall.calls));
        expect(capacityOf(inLarge.calls)).toEqual(capacityOf(inSmall.calls));
      }
      // The newest of 10 matches: one index query and one batch read of the 10, as the unsorted list of them.
      const newest = await callsDuring(() => v1Client(large).list('tags=group-3&sort_by=-created&limit=1'));
      expect(idsOf(newest.result)).toHaveLength(1);
      expect(countByAction(newest.calls)).toEqual({ Query: 1, BatchGetItem: 1 });
      const unsorted = await callsDuring(() => v1Client(large).list('tags=group-3'));
      expect(capacityOf(newest.calls)).toEqual(capacityOf(unsorted.calls));
    });

    it('a page in descending id order reads from the end of the list, about one page', async () => {
      const { result, calls } = await callsDuring(() => v1Client(large).list('sort_by=-id&limit=5'));
      expect(idsOf(result)).toEqual(['other-09899', 'other-09898', 'other-09897', 'other-09896', 'other-09895']);
      expect(countByAction(calls)).toEqual({ Query: 1 });
      expect(queriesOf(calls)[0]!.input).toMatchObject({ ScanIndexForward: false, Limit: 6 });
    });

    it('a list naming a rare and a common tag reads the common index no further than its first page', async () => {
      // 3,000 images carry `common`; 5 of them also `scarce`. A small tenant holds just those 5.
      const [crowded, sparse] = [newTenant(), newTenant()];
      const id = (i: number) => `img-${String(i).padStart(5, '0')}`;
      await Promise.all([
        seed(
          crowded,
          Array.from({ length: 3_000 }, (_, i) => registeredImage(id(i), ['common', ...(i % 600 === 7 ? ['scarce'] : [])])),
        ),
        seed(
          sparse,
          Array.from({ length: 5 }, (_, i) => registeredImage(id(i * 600 + 7), ['common', 'scarce'])),
        ),
      ]);
      const inCrowded = await callsDuring(() => v1Client(crowded).list('tags=common&tags=scarce'));
      const inSparse = await callsDuring(() => v1Client(sparse).list('tags=common&tags=scarce'));
      expect(idsOf(inCrowded.result)).toEqual(idsOf(inSparse.result));
      expect(idsOf(inCrowded.result)).toHaveLength(5);
      expect(countByAction(inCrowded.calls)).toEqual({ Query: 2, BatchGetItem: 1 });
      // One page of the common tag's 3,000 entries, then no more: the cost stops growing with it.
      const commonPage = queriesOf(inCrowded.calls).find((call) =>
        String((call.input.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[':pk']).endsWith('#TAG#common'),
      )!;
      expect(commonPage.input.Limit).toBe(1000);
      // The common tag alone is read whole, in one 1 MB page from the start (its 3,000 entries are ~0.3 MB).
      const full = await callsDuring(() => v1Client(crowded).list('tags=common'));
      expect(countByAction(full.calls)).toEqual({ Query: 1, BatchGetItem: 30 });
      expect(capacityOf(inCrowded.calls).read).toBeLessThan(capacityOf(full.calls).read / 2);
    }, 120_000);

    it('a list of all images makes one query per 1 MB page', async () => {
      const { result, calls } = await callsDuring(() => v1Client(large).list());
      expect(idsOf(result)).toHaveLength(LARGE_SIZE);
      const queries = queriesOf(calls);
      expect(countByAction(calls)).toEqual({ Query: queries.length });
      // 10,000 records are a few MB: several pages, each but the last a full 1 MB (256 strongly
      // consistent read units of 4 KB). A smaller Limit would show as more queries of fewer units.
      expect(queries.length).toBeGreaterThan(1);
      for (const page of queries.slice(0, -1)) expect(capacityOf([page]).read).toBeGreaterThanOrEqual(256);
    });
  });
});
