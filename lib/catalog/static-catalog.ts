import { readFileSync } from 'node:fs';
import * as z from 'zod';
import type { ImageFacts } from '../registry/image.ts';
import type { ImageCatalog } from './image-catalog.ts';
import { isWellFormedImageId } from './image-catalog.ts';

const isoTime = z.iso.datetime({ offset: false }).transform((value) => `${value.slice(0, 19)}Z`);

const staticImage = z.strictObject({
  id: z.string().refine(isWellFormedImageId, 'not a well-formed image id (1-255 printable characters, no "/")'),
  name: z.string().max(255),
  status: z.string().min(1).default('ACTIVE'),
  progress: z.number().int().min(0).max(100).optional(),
  minDisk: z.number().int().nonnegative().default(0),
  minRam: z.number().int().nonnegative().default(0),
  size: z.number().int().nonnegative().default(0),
  created: isoTime.optional(),
  updated: isoTime.optional(),
  deprecationTime: isoTime.optional(),
});

const staticCatalogFile = z.strictObject({ images: z.array(staticImage) });

export type StaticCatalogFile = z.input<typeof staticCatalogFile>;

/** A fixed list of images, such as the sample the local front ships. */
export const createStaticCatalog = (file: StaticCatalogFile): ImageCatalog => {
  const parsed = staticCatalogFile.parse(file);
  const images = new Map<string, ImageFacts>();
  for (const { id, progress, ...facts } of parsed.images) {
    if (images.has(id)) throw new Error(`static catalog: image id '${id}' appears twice`);
    images.set(id, { ...facts, progress: progress ?? (facts.status === 'ACTIVE' ? 100 : 0) });
  }
  return {
    isWellFormedId: isWellFormedImageId,
    async describeImage(imageId) {
      return images.get(imageId);
    },
  };
};

export const loadStaticCatalog = (path: string): ImageCatalog => {
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
