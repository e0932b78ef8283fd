import type { BrowsableImageCatalog } from '../catalog/image-catalog.ts';
import { apiErrors, HttpError } from '../http/api-errors.ts';
import type { GlanceImage } from '../http/glance-response-schemas.ts';
import { renderGlanceImage } from './glance-image.ts';

/** Glance's defaults: `limit_param_default` and `api_limit_max`. A larger limit is capped, not refused. */
const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 1000;

export interface CatalogListQuery {
  readonly name?: string | undefined;
  readonly limit?: number | undefined;
  /** The id of the last image of the previous page, as Glance's `next` link carries it. */
  readonly marker?: string | undefined;
}

export interface GlanceImagePage {
  readonly images: GlanceImage[];
  readonly first: string;
  readonly next?: string;
  readonly schema: '/v2/schemas/images';
}

/** `/v2/images?<query>`, the query in the order Glance's links give it, relative to the image service. */
const listLink = ({ name, limit, marker }: CatalogListQuery) => {
  const params = new URLSearchParams();
  if (name !== undefined) params.set('name', name);
  if (limit !== undefined) params.set('limit', String(limit));
  if (marker !== undefined) params.set('marker', marker);
  const query = params.toString();
  return query ? `/v2/images?${query}` : '/v2/images';
};

/**
 * The read-only image service for the catalog, in Glance v2's terms: what openstacksdk's
 * find_image (the openstack CLI's `dataprocessing image register`) and other OpenStack tooling
 * read. It reads the catalog only, never the registry's records, so every tenant sees the same.
 */
export const createImageService = ({ catalog }: { catalog: BrowsableImageCatalog }) => ({
  async showImage(imageId: string): Promise<GlanceImage> {
    const image = catalog.isWellFormedId(imageId) ? await catalog.findImage(imageId) : undefined;
    if (!image) throw new HttpError(apiErrors.catalogImageNotFound, `No image found with ID ${imageId.slice(0, 255)}`);
    return renderGlanceImage(image);
  },

  /** One page in id order; `next` only when there are more (Glance also gives one after a full last page). */
  async listImages(query: CatalogListQuery): Promise<GlanceImagePage> {
    const { name, limit, marker } = query;
    const images = await catalog.listImages({ name });
    let start = 0;
    if (marker !== undefined) {
      const at = images.findIndex((image) => image.id === marker);
      if (at === -1) throw new HttpError(apiErrors.invalidCatalogMarker, `Invalid marker ${marker.slice(0, 255)}. Image could not be found.`);
      start = at + 1;
    }
    const size = Math.min(limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const page = images.slice(start, start + size);
    const last = page.at(-1);
    const more = last !== undefined && start + size < images.length;
    return {
      images: page.map(renderGlanceImage),
      first: listLink({ name, limit }),
      ...(more ? { next: listLink({ name, limit, marker: last.id }) } : {}),
      schema: '/v2/schemas/images',
    };
  },
});
