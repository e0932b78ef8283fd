import { describe, expect, it } from 'vitest';
import { StaleRecordError } from '../../lib/registry/errors.ts';
import { blankRecord, type ImageFacts } from '../../lib/registry/image.ts';
import { diffTags } from '../../lib/registry/tag-rules.ts';
import { newTenant, testStore } from '../support/fixtures.ts';
import { expectIndexMatchesRecords, indexedImageIds, tenantItems } from '../support/table-inspection.ts';

const facts: ImageFacts = { name: 'image', status: 'ACTIVE', progress: 100, minDisk: 1, minRam: 2, size: 3 };
const NOW = '2026-11-27T10:00:00Z';
const store = testStore();

const tagged = async (tenant: string, id: string, tags: string[]) => {
  const current = (await store.getImage(tenant, id)) ?? blankRecord(id, facts, NOW);
  return store.writeTags(tenant, current, diffTags(current.tags, tags), NOW);
};

describe('DynamoDB image store', () => {
  it('registers with one write that keeps tags set before registration', async () => {
    const tenant = newTenant();
    const before = await tagged(tenant, 'img', ['spark']);
    const registered = await store.registerImage(tenant, 'img', { username: 'ubuntu' }, facts, NOW);
    expect(registered).toMatchObject({ id: 'img', username: 'ubuntu', description: '', tags: ['spark'], version: before.version + 1 });
    expect(await store.getImage(tenant, 'img')).toEqual(registered);
  });

  it('keeps the description when a registration leaves it out and clears it with an empty string', async () => {
    const tenant = newTenant();
    await store.registerImage(tenant, 'img', { username: 'u', description: 'first' }, facts, NOW);
    expect((await store.registerImage(tenant, 'img', { username: 'v' }, facts, NOW)).description).toBe('first');
    expect((await store.registerImage(tenant, 'img', { username: 'v', description: '' }, facts, NOW)).description).toBe('');
  });

  it('writes a tag change and its index entries in one transaction', async () => {
    const tenant = newTenant();
    await tagged(tenant, 'img', ['a', 'b']);
    await tagged(tenant, 'img', ['b', 'c']);
    expect((await store.getImage(tenant, 'img'))?.tags).toEqual(['b', 'c']);
    expect(await indexedImageIds(tenant, 'a')).toEqual([]);
    expect(await indexedImageIds(tenant, 'c')).toEqual(['img']);
    await expectIndexMatchesRecords(tenant);
  });

  it('refuses a tag change computed from a stale version and applies none of it', async () => {
    const tenant = newTenant();
    const first = await tagged(tenant, 'img', ['a']);
    await tagged(tenant, 'img', ['a', 'b']);
    await expect(store.writeTags(tenant, first, diffTags(first.tags, ['a', 'z']), NOW)).rejects.toBeInstanceOf(StaleRecordError);
    expect(await indexedImageIds(tenant, 'z')).toEqual([]);
    await expectIndexMatchesRecords(tenant);
  });

  it('refuses a tag change read from a record that was deleted and created again since (no ABA on the version)', async () => {
    // Found by the concurrency storm: versions restarted at 1 after an unregister, so a writer
    // holding the old record passed its guard against the new one and the index lost an entry.
    const tenant = newTenant();
    const old = await tagged(tenant, 'img', ['c']);
    await store.deleteImage(tenant, old);
    await store.registerImage(tenant, 'img', { username: 'u' }, facts, NOW);
    await expect(store.writeTags(tenant, old, diffTags(old.tags, ['c', 'd']), NOW)).rejects.toBeInstanceOf(StaleRecordError);
    expect((await store.getImage(tenant, 'img'))?.tags).toEqual([]);
    await expectIndexMatchesRecords(tenant);
  });

  it('refuses to create a record that another writer created first', async () => {
    const tenant = newTenant();
    await tagged(tenant, 'img', ['a']);
    const blank = blankRecord('img', facts, NOW);
    await expect(store.writeTags(tenant, blank, diffTags([], ['z']), NOW)).rejects.toBeInstanceOf(StaleRecordError);
  });

  it('deletes a record together with all its tag entries', async () => {
    const tenant = newTenant();
    const image = await tagged(tenant, 'img', ['a', 'b', 'c']);
    await store.deleteImage(tenant, image);
    expect(await tenantItems(tenant)).toEqual([]);
  });

  it('refuses to delete a record that changed since it was read', async () => {
    const tenant = newTenant();
    const image = await tagged(tenant, 'img', ['a']);
    await tagged(tenant, 'img', ['a', 'b']);
    await expect(store.deleteImage(tenant, image)).rejects.toBeInstanceOf(StaleRecordError);
    expect(await store.getImage(tenant, 'img')).toBeDefined();
  });

  it('lists every record of a tenant across many pages, in id order', async () => {
    const tenant = newTenant();
    const ids = Array.from({ length: 23 }, (_, i) => `img-${String(i).padStart(2, '0')}`);
    await Promise.all(ids.map((id) => store.registerImage(tenant, id, { username: 'u' }, facts, NOW)));
    const pagedStore = testStore({ pageSize: 5 });
    expect((await pagedStore.listImages(tenant)).map((image) => image.id)).toEqual(ids);
  });

  it('finds by tags across index pages and batch reads of more than 100 records', async () => {
    const tenant = newTenant();
    const ids = Array.from({ length: 130 }, (_, i) => `img-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < ids.length; i += 25) {
      await Promise.all(ids.slice(i, i + 25).map((id, j) => tagged(tenant, id, (i + j) % 2 === 0 ? ['common', 'even'] : ['common'])));
    }
    const pagedStore = testStore({ pageSize: 40 });
    expect((await pagedStore.findImagesByTags(tenant, ['common'])).map((image) => image.id)).toEqual(ids);
    expect((await pagedStore.findImagesByTags(tenant, ['common', 'even'])).map((image) => image.id)).toEqual(ids.filter((_, i) => i % 2 === 0));
    expect(await pagedStore.findImagesByTags(tenant, ['common', 'absent'])).toEqual([]);
  });

  it('never shows one tenant the records of another', async () => {
    const [alice, bob] = [newTenant(), newTenant()];
    await tagged(alice, 'img', ['shared']);
    await store.registerImage(alice, 'img', { username: 'alice' }, facts, NOW);
    expect(await store.getImage(bob, 'img')).toBeUndefined();
    expect(await store.listImages(bob)).toEqual([]);
    expect(await store.findImagesByTags(bob, ['shared'])).toEqual([]);
  });
});
