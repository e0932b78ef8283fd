import { describe, expect, it } from 'vitest';
import { candidateIds, type TagPageReader } from '../../lib/store/tag-index-reader.ts';

/** A tag index held in memory, read in pages of `pageSize` ids; counts the pages each tag was asked for. */
const fakeIndex = (partitions: Record<string, string[]>, { forward = true } = {}) => {
  const pagesRead: Record<string, number> = {};
  const readPage: TagPageReader = async (tag, start, limit) => {
    pagesRead[tag] = (pagesRead[tag] ?? 0) + 1;
    const ids = [...(partitions[tag] ?? [])].sort();
    if (!forward) ids.reverse();
    const from = (start as number | undefined) ?? 0;
    const to = limit === undefined ? ids.length : from + limit;
    return { ids: ids.slice(from, to), ...(to < ids.length ? { next: to } : {}) };
  };
  return { readPage, pagesRead };
};

const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

describe('candidateIds, the side-by-side intersection of tag partitions', () => {
  it('lists every id of a single tag across pages, in order', async () => {
    const { readPage, pagesRead } = fakeIndex({ spark: ids('img-', 25) });
    expect(await candidateIds(readPage, ['spark'], { forward: true, pageSize: 10 })).toEqual(ids('img-', 25));
    expect(pagesRead).toEqual({ spark: 3 });
  });

  it('stops at the first partition read to its end: a rare tag bounds what a common one costs', async () => {
    const common = ids('img-', 100);
    const { readPage, pagesRead } = fakeIndex({ common, rare: ['img-0003', 'img-0007', 'img-0500'] });
    const result = await candidateIds(readPage, ['common', 'rare'], { forward: true, pageSize: 10 });
    // img-0500 sorts after what the common partition showed so far, so it stays a candidate for the records to decide.
    expect(result).toEqual(['img-0003', 'img-0007', 'img-0500']);
    expect(pagesRead).toEqual({ common: 1, rare: 1 });
  });

  it('drops an id a partial partition has passed without listing: that image lacks the tag', async () => {
    const { readPage } = fakeIndex({ common: ['a', 'b', 'd', 'e', 'f', 'g'], rare: ['c', 'e'] });
    expect(await candidateIds(readPage, ['common', 'rare'], { forward: true, pageSize: 5 })).toEqual(['e']);
  });

  it('intersects complete partitions exactly, starting from the smallest', async () => {
    const { readPage } = fakeIndex({ a: ['1', '2', '3', '4'], b: ['2', '4'], c: ['4', '2', '9'] });
    expect(await candidateIds(readPage, ['a', 'b', 'c'], { forward: true })).toEqual(['2', '4']);
  });

  it('prunes the other way round when reading backwards', async () => {
    const { readPage } = fakeIndex({ common: ['a', 'b', 'd', 'e', 'f', 'g'], rare: ['c', 'f'] }, { forward: false });
    // Backwards the common partition shows g, f; c lies beyond what it showed, so it stays a candidate.
    expect(await candidateIds(readPage, ['common', 'rare'], { forward: false, pageSize: 2 })).toEqual(['f', 'c']);
  });

  it('asks for a first page of 1,000 entries of each tag a query names beside others, and DynamoDB-sized pages after it', async () => {
    const limits: (number | undefined)[] = [];
    const all = ids('img-', 1500);
    const readPage: TagPageReader = async (_tag, start, limit) => {
      limits.push(limit);
      const from = (start as number | undefined) ?? 0;
      const to = limit === undefined ? all.length : from + limit;
      return { ids: all.slice(from, to), ...(to < all.length ? { next: to } : {}) };
    };
    expect(await candidateIds(readPage, ['spark', '3.5'], { forward: true })).toHaveLength(1500);
    expect(limits).toEqual([1000, 1000, undefined, undefined]);
    limits.length = 0;
    // A single tag is read whole whatever its first page holds: in DynamoDB's pages from the start.
    expect(await candidateIds(readPage, ['spark'], { forward: true })).toHaveLength(1500);
    expect(limits).toEqual([undefined]);
  });
});
