import { catalogFromEnv } from '../catalog/catalog-from-env.ts';
import { createImageService } from './image-service.ts';

/** The image service's composition root: the catalog REGISTRY_CATALOG names, built once per container. */
export const imageService = createImageService({ catalog: catalogFromEnv() });
