import type { ImageCatalog } from './image-catalog.ts';
import { openCatalog } from './open-catalog.ts';
import { loadStaticCatalog } from './static-catalog.ts';

/** REGISTRY_CATALOG: `open` (the default), or the path of a static catalog JSON file. */
export const catalogFromEnv = (env: NodeJS.ProcessEnv = process.env): ImageCatalog => {
  const setting = env.REGISTRY_CATALOG?.trim() || 'open';
  return setting === 'open' ? openCatalog : loadStaticCatalog(setting);
};
