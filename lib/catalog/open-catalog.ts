import type { ImageFacts } from '../registry/image.ts';
import type { BrowsableImageCatalog, CatalogImage } from './image-catalog.ts';
import { isWellFormedImageId } from './image-catalog.ts';

const factsOf = (imageId: string): ImageFacts => ({ name: imageId, status: 'ACTIVE', progress: 100, minDisk: 0, minRam: 0, size: 0 });

const imageOf = (imageId: string): CatalogImage | undefined => (isWellFormedImageId(imageId) ? { id: imageId, facts: factsOf(imageId) } : undefined);

/**
 * For trials and tests: every well-formed id is an active image named after its id. It cannot be
 * listed whole; a name lookup finds the image whose id is that name.
 */
export const openCatalog: BrowsableImageCatalog = {
  isWellFormedId: isWellFormedImageId,
  async describeImage(imageId) {
    return imageOf(imageId)?.facts;
  },
  async findImage(imageId) {
    return imageOf(imageId);
  },
  async listImages({ name }) {
    const image = name === undefined ? undefined : imageOf(name);
    return image ? [image] : [];
  },
};
