import { describe, expect, it } from 'vitest';
import { StaleRecordError } from '../../lib/registry/errors.ts';
import { blankRecord, type ImageFacts } from '../../lib/registry/image.ts';
import { diffTags } from '../../lib/registry/tag-rules.ts';
import { createDynamoDbImageStore } from '../../lib/store/dynamodb-image-store.ts';
import { documentClient, newAmiId, newTenant, TABLE_NAME, testStore } from '../support/fixtures.ts';
import { expectIndexMatchesRecords, indexedImageIds, tenantItems } from '../support/table-inspection.ts';

const facts: ImageFacts = { name: 'image', status: 'ACTIVE', progress: 100, minDisk: 1, minRam: 2, size: 3 };
const NOW = '2026-11-27T10:00:00Z';
const store = testStore();

/** Every record of a list the store reads a batch at a time. */
const collect = async <T>(batches: AsyncIterable<readonly T[]>) => {
  const all: T[] = [];
  for await (const batch of batches) all.push(...batch);
  return all;
};

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
    expect((await collect(pagedStore.listImages(tenant))).map((image) => image.id)).toEqual(ids);
  });

  it('finds by tags across index pages and batch reads of more than 100 records', async () => {
    const tenant = newTenant();
    const ids = Array.from({ length: 130 }, (_, i) => `img-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < ids.length; i += 25) {
      await Promise.all(ids.slice(i, i + 25).map((id, j) => tagged(tenant, id, (i + j) % 2 === 0 ? ['common', 'even'] : ['common'])));
    }
    const pagedStore = testStore({ pageSize: 40 });
    expect((await collect(pagedStore.findImagesByTags(tenant, ['common']))).map((image) => image.id)).toEqual(ids);
    expect((await collect(pagedStore.findImagesByTags(tenant, ['common', 'even']))).map((image) => image.id)).toEqual(ids.filter((_, i) => i % 2 === 0));
    expect(await collect(pagedStore.findImagesByTags(tenant, ['common', 'absent']))).toEqual([]);
  });

  it('never shows one tenant the records of another', async () => {
    const [alice, bob] = [newTenant(), newTenant()];
    await tagged(alice, 'img', ['shared']);
    await store.registerImage(alice, 'img', { username: 'alice' }, facts, NOW);
    expect(await store.getImage(bob, 'img')).toBeUndefined();
    expect(await collect(store.listImages(bob))).toEqual([]);
    expect(await collect(store.findImagesByTags(bob, ['shared']))).toEqual([]);
  });

  it('replaces 50 tags by 50 others (101 items): the record and added entries in one transaction, the last removal after it', async () => {
    const tenant = newTenant();
    const before = Array.from({ length: 50 }, (_, i) => `before-${i}`);
    const after = Array.from({ length: 50 }, (_, i) => `after-${i}`);
    await tagged(tenant, 'img', before);
    const transactionSizes: number[] = [];
    const client = documentClient();
    client.middlewareStack.add(
      (next) => async (args) => {
        const items = (args.input as { TransactItems?: unknown[] }).TransactItems;
        if (items) transactionSizes.push(items.length);
        return next(args);
      },
      { step: 'initialize' },
    );
    const counted = createDynamoDbImageStore({ client, tableName: TABLE_NAME });
    const current = (await counted.getImage(tenant, 'img'))!;
    expect((await counted.writeTags(tenant, current, diffTags(current.tags, after), NOW)).tags).toEqual([...after].sort());
    expect(transactionSizes).toEqual([100, 2]);
    await expectIndexMatchesRecords(tenant);
  });

  it('keeps the entry of a tag given back between a replacement and its late removal', async () => {
    const tenant = newTenant();
    await tagged(
      tenant,
      'img',
      Array.from({ length: 50 }, (_, i) => `before-${i}`),
    );
    const client = documentClient();
    let givenBack: string[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const check = (args.input as { TransactItems?: { ConditionCheck?: { ExpressionAttributeValues: Record<string, string> } }[] }).TransactItems?.[0]
          ?.ConditionCheck;
        if (check && givenBack.length === 0) {
          // Another writer puts the removed tag back before the late removal runs.
          givenBack = Object.values(check.ExpressionAttributeValues);
          const now = (await store.getImage(tenant, 'img'))!;
          await store.writeTags(tenant, now, diffTags(now.tags, [...now.tags, ...givenBack]), NOW);
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const racing = createDynamoDbImageStore({ client, tableName: TABLE_NAME });
    const current = (await racing.getImage(tenant, 'img'))!;
    await racing.writeTags(
      tenant,
      current,
      diffTags(
        current.tags,
        Array.from({ length: 50 }, (_, i) => `after-${i}`),
      ),
      NOW,
    );
    expect(givenBack).toHaveLength(1);
    expect((await store.getImage(tenant, 'img'))!.tags).toContain(givenBack[0]);
    expect(await indexedImageIds(tenant, givenBack[0]!)).toEqual(['img']);
    await expectIndexMatchesRecords(tenant);
  });
});

describe('DynamoDB image store: the records of one image across tenants', () => {
  const state = (status: string, changedAt: string) => ({ status, progress: status === 'ACTIVE' ? 100 : 0, changedAt });

  it('indexes every record under its image, whichever write made it', async () => {
    const [registered, tagged1, tagged2] = [newTenant(), newTenant(), newTenant()];
    const image = newAmiId();
    await store.registerImage(registered, image, { username: 'u' }, facts, NOW);
    await tagged(tagged1, image, ['a']); // a new record (Put)
    await tagged(tagged2, image, ['a']);
    await tagged(tagged2, image, ['a', 'b']); // an existing record (Update)
    expect((await store.findTenantsOfImage(image)).sort()).toEqual([registered, tagged1, tagged2].sort());
    expect(await store.findTenantsOfImage(newAmiId())).toEqual([]);
  });

  it('keeps image entries out of the tag partitions, and tag entries out of the image partitions', async () => {
    const tenant = newTenant();
    const image = newAmiId();
    await tagged(tenant, image, ['spark']);
    expect(await indexedImageIds(tenant, 'spark')).toEqual([image]);
    expect((await collect(store.findImagesByTags(tenant, ['spark']))).map((record) => record.id)).toEqual([image]);
    expect(await store.findTenantsOfImage(image)).toEqual([tenant]);
    const record = (await tenantItems(tenant)).find((item) => item.SK === `IMAGE#${image}`);
    expect(record).toMatchObject({ GSI1PK: `IMAGE#${image}`, GSI1SK: `TENANT#${tenant}` });
  });

  it('updates status and progress and leaves the rest of the record alone', async () => {
    const tenant = newTenant();
    const image = newAmiId();
    await tagged(tenant, image, ['spark']);
    const before = await store.registerImage(tenant, image, { username: 'u', description: 'd' }, { ...facts, status: 'SAVING', progress: 0 }, NOW);
    expect(await store.updateImageState(tenant, image, state('ACTIVE', '2026-11-27T10:05:00.000Z'), '2026-11-27T10:05:01Z')).toBe(true);
    expect(await store.getImage(tenant, image)).toEqual({
      ...before,
      facts: { ...facts, status: 'ACTIVE', progress: 100 },
      updatedAt: '2026-11-27T10:05:01Z',
      version: before.version + 1,
    });
  });

  it('ignores a state older than the one applied last', async () => {
    const tenant = newTenant();
    const image = newAmiId();
    await store.registerImage(tenant, image, { username: 'u' }, facts, NOW);
    expect(await store.updateImageState(tenant, image, state('ACTIVE', '2026-11-27T10:10:00.000Z'), NOW)).toBe(true);
    expect(await store.updateImageState(tenant, image, state('DEACTIVATED', '2026-11-27T10:09:00.000Z'), NOW)).toBe(false);
    expect((await store.getImage(tenant, image))?.facts.status).toBe('ACTIVE');
  });

  it('never creates a record when updating the state of an image the tenant has no record of', async () => {
    const tenant = newTenant();
    expect(await store.updateImageState(tenant, newAmiId(), state('ACTIVE', '2026-11-27T10:10:00.000Z'), NOW)).toBe(false);
    expect(await tenantItems(tenant)).toEqual([]);
  });
});
