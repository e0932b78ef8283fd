import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import type { ImageFacts } from '../registry/image.ts';
import { MAX_IMAGE_ID_BYTES } from '../registry/image-id.ts';
import { useEnglishMessages } from '../zod-messages.ts';
import type { BrowsableImageCatalog, CatalogImage } from './image-catalog.ts';
import { byId, isWellFormedImageId } from './image-catalog.ts';

useEnglishMessages();

const isoTime = z.optional(
  z.pipe(
    z.iso.datetime({ offset: false }),
    z.transform((value: string) => `${value.slice(0, 19)}Z`),
  ),
);
const count = z._default(z.int().check(z.nonnegative()), 0);
const format = z.optional(z.string().check(z.minLength(1), z.maxLength(64)));

const staticImage = z.strictObject({
  id: z.string().check(z.refine(isWellFormedImageId, `not a well-formed image id (1-${MAX_IMAGE_ID_BYTES} bytes of printable UTF-8, no "/")`)),
  name: z.string().check(z.maxLength(255)),
  status: z._default(z.string().check(z.minLength(1)), 'ACTIVE'),
  progress: z.optional(z.int().check(z.minimum(0), z.maximum(100))),
  minDisk: count,
  minRam: count,
  size: count,
  created: isoTime,
  updated: isoTime,
  deprecationTime: isoTime,
  // Shown by the image service (Glance's disk_format and container_format); not part of the facts.
  diskFormat: format,
  containerFormat: format,
});

const staticCatalogFile = z.strictObject({ images: z.array(staticImage) });

export type StaticCatalogFile = z.input<typeof staticCatalogFile>;

/** A fixed list of images, such as the sample the local front ships. */
export const createStaticCatalog = (file: StaticCatalogFile): BrowsableImageCatalog => {
  const parsed = staticCatalogFile.parse(file);
  const images = new Map<string, CatalogImage>();
  for (const { id, progress, diskFormat, containerFormat, ...rest } of parsed.images) {
    if (images.has(id)) throw new Error(`static catalog: image id '${id}' appears twice`);
    const facts: ImageFacts = { ...rest, progress: progress ?? (rest.status === 'ACTIVE' ? 100 : 0) };
    images.set(id, { id, facts, diskFormat, containerFormat });
  }
  const listing = [...images.values()].sort(byId);
  return {
    isWellFormedId: isWellFormedImageId,
    async describeImage(imageId) {
      return images.get(imageId)?.facts;
    },
    async findImage(imageId) {
      return images.get(imageId);
    },
    async listImages({ name }) {
      return name === undefined ? [...listing] : listing.filter((image) => image.facts.name === name);
    },
  };
};

export const loadStaticCatalog = (path: string): BrowsableImageCatalog => {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`static catalog: cannot read ${path}: ${(error as Error).message}`);
  }
  const result = staticCatalogFile.safeParse(content);
  if (!result.success) {
    throw new Error(`static catalog: ${path} is not a catalog file:\n${z.prettifyError(result.error)}`);
  }
  return createStaticCatalog(result.data);
};
