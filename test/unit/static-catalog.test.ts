import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogFromEnv, staticCatalogFileFromEnv } from '../../lib/catalog/catalog-from-env.ts';
import { openCatalog } from '../../lib/catalog/open-catalog.ts';
import { createStaticCatalog, loadStaticCatalog } from '../../lib/catalog/static-catalog.ts';

describe('static catalog', () => {
  it('describes the images of its file with defaults for what the file leaves out', async () => {
    const catalog = createStaticCatalog({ images: [{ id: 'a', name: 'Image A', size: 10, created: '2026-01-02T03:04:05.678Z' }] });
    expect(await catalog.describeImage('a')).toEqual({
      name: 'Image A',
      status: 'ACTIVE',
      progress: 100,
      minDisk: 0,
      minRam: 0,
      size: 10,
      created: '2026-01-02T03:04:05Z',
    });
    expect(await catalog.describeImage('b')).toBeUndefined();
  });

  it('refuses a file with an id twice or an unknown field, naming the problem', () => {
    expect(() =>
      createStaticCatalog({
        images: [
          { id: 'a', name: 'A' },
          { id: 'a', name: 'B' },
        ],
      }),
    ).toThrow(/'a' appears twice/);
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ images: [{ id: 'a', name: 'A', colour: 'red' }] }));
    expect(() => loadStaticCatalog(join(dir, 'bad.json'))).toThrow(/colour/);
    expect(() => loadStaticCatalog(join(dir, 'missing.json'))).toThrow(/cannot read/);
  });

  it('the shipped sample catalog loads', async () => {
    const catalog = loadStaticCatalog(new URL('../../infra/local/sample-catalog.json', import.meta.url).pathname);
    expect(await catalog.describeImage('spark-3.5-ubuntu-22.04')).toMatchObject({ status: 'ACTIVE' });
    expect(await catalog.describeImage('vanilla-2.7.1-centos-7')).toMatchObject({ deprecationTime: '2024-06-30T00:00:00Z' });
  });

  it('knows a deprecation time, to the second, and refuses one that is not a UTC time', async () => {
    const catalog = createStaticCatalog({ images: [{ id: 'old', name: 'Old', deprecationTime: '2024-06-30T00:00:00.250Z' }] });
    await expect(catalog.describeImage('old')).resolves.toMatchObject({ deprecationTime: '2024-06-30T00:00:00Z' });
    expect(() => createStaticCatalog({ images: [{ id: 'old', name: 'Old', deprecationTime: 'next year' }] })).toThrow(/deprecationTime/);
  });
});

describe('static catalog from REGISTRY_CATALOG', () => {
  it('reads its file on the first lookup, not when the function loads, and tries a failed read again', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'catalog-')), 'catalog.json');
    const catalog = catalogFromEnv({ REGISTRY_CATALOG: ` ${file} ` });
    expect(staticCatalogFileFromEnv({ REGISTRY_CATALOG: ` ${file} ` })).toBe(file);
    expect(catalog.isWellFormedId('a')).toBe(true);
    await expect(catalog.describeImage('a')).rejects.toThrow(/static catalog: cannot read/);
    writeFileSync(file, JSON.stringify({ images: [{ id: 'a', name: 'Image A' }] }));
    expect(await catalog.describeImage('a')).toMatchObject({ name: 'Image A', status: 'ACTIVE' });
    expect((await catalog.listImages({})).map((image) => image.id)).toEqual(['a']);
    expect(catalog.refreshImages).toBeUndefined();
  });

  it('names no file for the open and ec2 catalogs', () => {
    for (const setting of [undefined, '', 'open', 'ec2']) expect(staticCatalogFileFromEnv({ REGISTRY_CATALOG: setting })).toBeUndefined();
  });
});

describe('open catalog', () => {
  it('knows every well-formed id as an active image named after it', async () => {
    expect(await openCatalog.describeImage('anything-1')).toMatchObject({ name: 'anything-1', status: 'ACTIVE', size: 0 });
  });

  it.each([
    ['empty', ''],
    ['a slash', 'a/b'],
    ['a control character', 'a\u0000b'],
    ['over 255 characters', 'x'.repeat(256)],
  ])('knows no id with %s', async (_why, id) => {
    expect(openCatalog.isWellFormedId(id)).toBe(false);
    expect(await openCatalog.describeImage(id)).toBeUndefined();
  });
});
