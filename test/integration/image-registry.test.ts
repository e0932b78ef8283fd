import { describe, expect, it } from 'vitest';
import { createStaticCatalog } from '../../lib/catalog/static-catalog.ts';
import { ImageNotFoundError, ImageNotRegisteredError, TagLimitExceededError } from '../../lib/registry/errors.ts';
import { newAmiId, newTenant, testCatalog, testRegistry, testStore } from '../support/fixtures.ts';
import { expectIndexMatchesRecords, tenantItems } from '../support/table-inspection.ts';

const registry = testRegistry();
const ids = (images: { id: string }[]) => images.map((image) => image.id);

describe('image registry', () => {
  it('lists registered images only, filtered by every tag and a case-sensitive name substring', async () => {
    const tenant = newTenant();
    await registry.registerImage(tenant, 'img-spark-35', { username: 'ubuntu' });
    await registry.registerImage(tenant, 'img-spark-34', { username: 'ubuntu' });
    await registry.registerImage(tenant, 'img-storm', { username: 'ubuntu' });
    await registry.tagImage(tenant, 'img-spark-35', ['spark', '3.5']);
    await registry.tagImage(tenant, 'img-spark-34', ['spark', '3.4']);
    await registry.tagImage(tenant, 'img-vanilla', ['spark']); // tagged but never registered

    expect(ids(await registry.listImages(tenant))).toEqual(['img-spark-34', 'img-spark-35', 'img-storm']);
    expect(ids(await registry.listImages(tenant, { tags: ['spark'] }))).toEqual(['img-spark-34', 'img-spark-35']);
    expect(ids(await registry.listImages(tenant, { tags: ['spark', '3.5'] }))).toEqual(['img-spark-35']);
    expect(ids(await registry.listImages(tenant, { tags: ['spark', '3.5', 'x'] }))).toEqual([]);
    expect(ids(await registry.listImages(tenant, { name: 'spark-3.4' }))).toEqual(['img-spark-34']);
    expect(ids(await registry.listImages(tenant, { name: 'storm' }))).toEqual([]); // the name is Sahara-Storm-1.2
    expect(ids(await registry.listImages(tenant, { name: 'Storm' }))).toEqual(['img-storm']);
    expect(ids(await registry.listImages(tenant, { tags: ['spark'], name: '3.5' }))).toEqual(['img-spark-35']);
    expect(ids(await registry.listImages(tenant, { tags: [''] }))).toEqual([]);
    expect(ids(await registry.listImages(tenant, { tags: ['spark,3.5'] }))).toEqual([]);
  });

  it('shows a registered image, refuses an unregistered one with 400 and an unknown one with 404', async () => {
    const tenant = newTenant();
    await registry.registerImage(tenant, 'img-plain', { username: 'centos' });
    expect(await registry.showImage(tenant, 'img-plain')).toMatchObject({ id: 'img-plain', username: 'centos' });
    await expect(registry.showImage(tenant, 'img-vanilla')).rejects.toBeInstanceOf(ImageNotRegisteredError);
    await expect(registry.showImage(tenant, 'no-such-image')).rejects.toBeInstanceOf(ImageNotFoundError);
    await expect(registry.showImage(tenant, 'a/b')).rejects.toBeInstanceOf(ImageNotFoundError);
  });

  it('refuses to register or tag an image the catalog does not know, writing nothing', async () => {
    const tenant = newTenant();
    await expect(registry.registerImage(tenant, 'no-such-image', { username: 'u' })).rejects.toBeInstanceOf(ImageNotFoundError);
    await expect(registry.tagImage(tenant, 'no-such-image', ['a'])).rejects.toBeInstanceOf(ImageNotFoundError);
    await expect(registry.untagImage(tenant, 'no-such-image', ['a'])).rejects.toBeInstanceOf(ImageNotFoundError);
    await expect(registry.unregisterImage(tenant, 'no-such-image')).rejects.toBeInstanceOf(ImageNotFoundError);
    expect(await tenantItems(tenant)).toEqual([]);
  });

  it('copies the catalog facts onto the record', async () => {
    const tenant = newTenant();
    const image = await registry.registerImage(tenant, 'img-spark-35', { username: 'ubuntu' });
    expect(image.facts).toEqual({
      name: 'sahara-spark-3.5-ubuntu',
      status: 'ACTIVE',
      progress: 100,
      minDisk: 20,
      minRam: 2048,
      size: 1610612736,
      created: '2026-03-02T09:14:05Z',
      updated: '2026-03-02T09:20:41Z',
    });
  });

  it('re-registering replaces the user name and keeps the tags', async () => {
    const tenant = newTenant();
    await registry.registerImage(tenant, 'img-plain', { username: 'a', description: 'd' });
    await registry.tagImage(tenant, 'img-plain', ['x']);
    expect(await registry.registerImage(tenant, 'img-plain', { username: 'b' })).toMatchObject({ username: 'b', description: 'd', tags: ['x'] });
  });

  it('unregister drops everything; registering again starts clean; unregister is idempotent', async () => {
    const tenant = newTenant();
    await registry.registerImage(tenant, 'img-plain', { username: 'a', description: 'd' });
    await registry.tagImage(tenant, 'img-plain', ['x', 'y']);
    await registry.unregisterImage(tenant, 'img-plain');
    await registry.unregisterImage(tenant, 'img-plain');
    expect(await tenantItems(tenant)).toEqual([]);
    expect(await registry.registerImage(tenant, 'img-plain', { username: 'a' })).toMatchObject({ description: '', tags: [] });
  });

  it('tag and untag have set semantics', async () => {
    const tenant = newTenant();
    await registry.registerImage(tenant, 'img-plain', { username: 'u' });
    expect((await registry.tagImage(tenant, 'img-plain', ['b', 'a', 'b'])).tags).toEqual(['a', 'b']);
    const again = await registry.tagImage(tenant, 'img-plain', ['a']);
    expect(again.tags).toEqual(['a', 'b']);
    expect((await registry.tagImage(tenant, 'img-plain', [])).version).toBe(again.version);
    expect((await registry.untagImage(tenant, 'img-plain', ['zzz'])).version).toBe(again.version);
    expect((await registry.untagImage(tenant, 'img-plain', ['a', 'a'])).tags).toEqual(['b']);
    expect((await registry.untagImage(tenant, 'img-plain', ['a'])).tags).toEqual(['b']);
    await expectIndexMatchesRecords(tenant);
  });

  it('untagging an image with no record answers the image without writing', async () => {
    const tenant = newTenant();
    expect(await registry.untagImage(tenant, 'img-plain', ['a'])).toMatchObject({ id: 'img-plain', username: '', tags: [] });
    expect(await tenantItems(tenant)).toEqual([]);
  });

  it('refuses a tag change past 50 tags and applies none of it', async () => {
    const tenant = newTenant();
    const tags = (from: number, count: number) => Array.from({ length: count }, (_, i) => `t${from + i}`);
    await registry.tagImage(tenant, 'img-plain', tags(0, 48));
    await expect(registry.tagImage(tenant, 'img-plain', tags(48, 3))).rejects.toBeInstanceOf(TagLimitExceededError);
    expect((await registry.tagImage(tenant, 'img-plain', tags(48, 2))).tags).toHaveLength(50);
    await expectIndexMatchesRecords(tenant);
  });

  it('loses no tag when 40 writers tag one image at once', async () => {
    const tenant = newTenant();
    await registry.registerImage(tenant, 'img-spark-35', { username: 'u' });
    const tags = Array.from({ length: 40 }, (_, i) => `tag-${i}`);
    await Promise.all(tags.map((tag) => registry.tagImage(tenant, 'img-spark-35', [tag])));
    expect((await registry.showImage(tenant, 'img-spark-35')).tags).toEqual([...tags].sort());
    await expectIndexMatchesRecords(tenant);
  });

  it('keeps the index true while tags are added, removed and the image unregistered concurrently', async () => {
    const tenant = newTenant();
    await registry.registerImage(tenant, 'img-storm', { username: 'u' });
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => registry.tagImage(tenant, 'img-storm', [`a${i}`, 'common'])),
      ...Array.from({ length: 10 }, (_, i) => registry.untagImage(tenant, 'img-storm', [`a${i}`])),
      registry.unregisterImage(tenant, 'img-storm'),
      registry.registerImage(tenant, 'img-storm', { username: 'v' }),
    ]);
    await expectIndexMatchesRecords(tenant);
  });

  it('lists without asking the catalog, which is why list-images is granted no catalog access (lib/routes.ts)', async () => {
    const tenant = newTenant();
    await registry.registerImage(tenant, 'img-spark-35', { username: 'ubuntu' });
    await registry.tagImage(tenant, 'img-spark-35', ['spark']);
    const catalog = testCatalog();
    const unreachableCatalog = { ...catalog, describeImage: () => Promise.reject(new Error('the catalog was asked')) };
    const listing = testRegistry({ catalog: unreachableCatalog });
    expect(ids(await listing.listImages(tenant))).toEqual(['img-spark-35']);
    expect(ids(await listing.listImages(tenant, { tags: ['spark'], name: 'spark' }))).toEqual(['img-spark-35']);
  });

  it('follows a catalog state change in every tenant that holds the image, then removes them all when it is deleted', async () => {
    const image = newAmiId();
    const amiRegistry = testRegistry({ catalog: createStaticCatalog({ images: [{ id: image, name: 'spark', status: 'SAVING' }] }) });
    const tenants = Array.from({ length: 20 }, () => newTenant());
    await Promise.all(
      tenants.map((tenant, i) => (i % 2 === 0 ? amiRegistry.registerImage(tenant, image, { username: 'u' }) : amiRegistry.tagImage(tenant, image, ['spark']))),
    );

    const active = { status: 'ACTIVE', progress: 100, changedAt: '2026-11-27T10:00:00.000Z' };
    expect(await amiRegistry.syncImageState(image, active)).toEqual({ tenants: 20, changed: 20 });
    const store = testStore();
    for (const tenant of tenants) expect((await store.getImage(tenant, image))?.facts).toMatchObject({ status: 'ACTIVE', progress: 100 });

    const deleted = { status: 'DELETED', progress: 0, changedAt: '2026-11-27T11:00:00.000Z' };
    expect(await amiRegistry.syncImageState(image, deleted)).toEqual({ tenants: 20, changed: 20 });
    for (const tenant of tenants) expect(await tenantItems(tenant)).toEqual([]);
    expect(await amiRegistry.syncImageState(image, deleted)).toEqual({ tenants: 0, changed: 0 });
  });
});
