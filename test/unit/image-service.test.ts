import { describe, expect, it } from 'vitest';
import type { BrowsableImageCatalog, CatalogImage } from '../../lib/catalog/image-catalog.ts';
import { HttpError } from '../../lib/http/api-errors.ts';
import { renderGlanceError } from '../../lib/image-service/glance-error.ts';
import { renderGlanceImage } from '../../lib/image-service/glance-image.ts';
import { createImageService } from '../../lib/image-service/image-service.ts';
import { DependencyUnavailableError } from '../../lib/registry/errors.ts';

const image = (id: string, status = 'ACTIVE'): CatalogImage => ({ id, facts: { name: `name-${id}`, status, progress: 0, minDisk: 1, minRam: 2, size: 3 } });

/** A catalog that counts its lists, and fails when told to. */
const countingCatalog = (images: CatalogImage[], failure?: Error) => {
  const calls: string[] = [];
  const catalog: BrowsableImageCatalog = {
    isWellFormedId: (id) => !id.includes('/'),
    describeImage: async (id) => images.find((candidate) => candidate.id === id)?.facts,
    findImage: async (id) => {
      calls.push(`find ${id}`);
      if (failure) throw failure;
      return images.find((candidate) => candidate.id === id);
    },
    listImages: async ({ name }) => {
      calls.push(`list ${name ?? '*'}`);
      if (failure) throw failure;
      return images.filter((candidate) => name === undefined || candidate.facts.name === name);
    },
  };
  return { catalog, calls };
};

describe('the image service', () => {
  it('asks the catalog nothing for a filter no catalog image passes, nor for an id it could never know', async () => {
    const { catalog, calls } = countingCatalog([image('a')]);
    const service = createImageService({ catalog });
    expect((await service.listImages({ os_hidden: true })).images).toEqual([]);
    expect((await service.listImages({ visibility: 'shared' })).images).toEqual([]);
    await expect(service.showImage('a/b')).rejects.toMatchObject({ status: 404 });
    expect(calls).toEqual([]);
  });

  it("lets the catalog's outage through as the 503 it is", async () => {
    const { catalog } = countingCatalog([], new DependencyUnavailableError('image catalog'));
    const service = createImageService({ catalog });
    await expect(service.showImage('a')).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(service.listImages({})).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('maps statuses to Glance\'s: ERROR was "killed", others lower-cased', () => {
    expect(['ACTIVE', 'SAVING', 'ERROR', 'DELETED', 'DEACTIVATED', 'UNKNOWN'].map((status) => renderGlanceImage(image('x', status)).status)).toEqual([
      'active',
      'saving',
      'killed',
      'deleted',
      'deactivated',
      'unknown',
    ]);
  });

  it("names the catalog's owner of the image (an AMI's account) as Glance's owner, and null where the catalog has none", () => {
    const ami: CatalogImage = { id: 'ami-0a1b2c3d', facts: { ...image('x').facts, owner: '123456789012' } };
    expect(renderGlanceImage(ami).owner).toBe('123456789012');
    expect(renderGlanceImage(image('x')).owner).toBeNull();
  });

  it('encodes an id in its links', () => {
    expect(renderGlanceImage(image('a b?c'))).toMatchObject({ self: '/v2/images/a%20b%3Fc', file: '/v2/images/a%20b%3Fc/file' });
  });
});

describe("Glance's error body", () => {
  it('is JSON to a caller that accepts JSON and text to any other, with the request id in its header', () => {
    const error = new HttpError({ status: 404, errorName: 'NOT_FOUND', when: '' }, 'No image found with ID x');
    expect(renderGlanceError(error, 'r1', 'application/json')).toEqual({
      statusCode: 404,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-openstack-request-id': 'req-r1' },
      body: JSON.stringify({ message: 'No image found with ID x', code: '404 Not Found', title: 'Not Found' }),
    });
    expect(renderGlanceError(error, 'r1', undefined)).toMatchObject({
      headers: { 'content-type': 'text/plain; charset=UTF-8' },
      body: '404 Not Found\n\nNo image found with ID x\n',
    });
  });

  it('says nothing internal on a 500, and keeps Retry-After on a 503', () => {
    const internal = renderGlanceError(new Error('secret stack detail'), 'r2', 'application/json');
    expect(internal.statusCode).toBe(500);
    expect(internal.body).not.toContain('secret');
    const unavailable = renderGlanceError(new DependencyUnavailableError('image catalog'), 'r3', 'application/json');
    expect([unavailable.statusCode, unavailable.headers?.['retry-after']]).toEqual([503, '1']);
  });
});
