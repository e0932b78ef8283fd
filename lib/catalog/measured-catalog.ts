import { metrics } from '../metrics.ts';
import type { ImageCatalog } from './image-catalog.ts';

/** Runs one catalog call, counted and timed, its failure counted. */
const measured = async <T>(call: () => Promise<T>): Promise<T> => {
  const start = performance.now();
  try {
    return await call();
  } catch (error) {
    metrics.count('catalogFailures');
    throw error;
  } finally {
    metrics.count('catalogLookups');
    metrics.observe('catalogLatency', performance.now() - start);
  }
};

/**
 * The catalog, with every lookup counted and timed, and its failures counted: a slow or failing EC2
 * shows on the dashboard. The sweep's batch lookups (refreshImages) count one lookup per call.
 */
export const measuredCatalog = (catalog: ImageCatalog): ImageCatalog => {
  const { refreshImages } = catalog;
  return {
    isWellFormedId: (imageId) => catalog.isWellFormedId(imageId),
    describeImage: (imageId) => measured(() => catalog.describeImage(imageId)),
    ...(refreshImages ? { refreshImages: (imageIds: readonly string[]) => measured(() => refreshImages.call(catalog, imageIds)) } : {}),
  };
};
