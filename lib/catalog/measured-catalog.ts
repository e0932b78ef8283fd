import { metrics } from '../metrics.ts';
import type { ImageCatalog } from './image-catalog.ts';

/** The catalog, with every lookup counted and timed, and its failures counted: a slow or failing EC2 shows on the dashboard. */
export const measuredCatalog = (catalog: ImageCatalog): ImageCatalog => ({
  isWellFormedId: (imageId) => catalog.isWellFormedId(imageId),
  async describeImage(imageId) {
    const start = performance.now();
    try {
      return await catalog.describeImage(imageId);
    } catch (error) {
      metrics.count('catalogFailures');
      throw error;
    } finally {
      metrics.count('catalogLookups');
      metrics.observe('catalogLatency', performance.now() - start);
    }
  },
});
