import type { BrowsableImageCatalog } from '../catalog/image-catalog.ts';
import { apiErrors, HttpError } from '../http/api-errors.ts';
import type { SortOrder } from '../http/glance-request-schemas.ts';
import type { GlanceImage } from '../http/glance-response-schemas.ts';
import { renderGlanceImage } from './glance-image.ts';

/** Glance's defaults: `limit_param_default` and `api_limit_max`. A larger limit is capped, not refused. */
const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 1000;

export interface CatalogListQuery {
  readonly name?: string | undefined;
  /** Glance's lower-case status. */
  readonly status?: string | undefined;
  /** public or all: every catalog image; private, shared or community: none. */
  readonly visibility?: string | undefined;
  /** true asks for hidden images only: there are none. */
  readonly os_hidden?: boolean | undefined;
  /** Glance's order; empty for its default, newest first. */
  readonly sort?: readonly SortOrder[] | undefined;
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

/** `/v2/images?<query>`, relative to the image service as Glance's links are; a sort in Glance's `sort=key:dir` syntax. */
const listLink = (query: CatalogListQuery) => {
  const params = new URLSearchParams();
  for (const key of ['name', 'status', 'visibility', 'os_hidden'] as const) {
    if (query[key] !== undefined) params.set(key, String(query[key]));
  }
  if (query.sort?.length) params.set('sort', query.sort.map(({ key, dir }) => `${key}:${dir}`).join(','));
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.marker !== undefined) params.set('marker', query.marker);
  const text = params.toString();
  return text ? `/v2/images?${text}` : '/v2/images';
};

/** Whether the visibility and hidden filters leave any catalog image: catalog images are public and never hidden. */
const mayMatch = ({ visibility, os_hidden }: CatalogListQuery) =>
  os_hidden !== true && (visibility === undefined || visibility === 'public' || visibility === 'all');

/** Glance's database order: the keys asked for, then created_at and id, newest first; null before any value. */
const orderOf = (sort: readonly SortOrder[] = []): SortOrder[] => {
  const keys = sort.map(({ key }) => key);
  const ties = (['created_at', 'id'] as const).filter((key) => !keys.includes(key)).map((key): SortOrder => ({ key, dir: 'desc' }));
  return [...sort, ...ties];
};

const compareBy = (order: readonly SortOrder[]) => (a: GlanceImage, b: GlanceImage) => {
  for (const { key, dir } of order) {
    const [x, y] = [a[key], b[key]];
    if (x === y) continue;
    const ascending = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
    return dir === 'asc' ? ascending : -ascending;
  }
  return 0;
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

  /** One page in Glance's order; `next` only when there are more (Glance also gives one after a full last page). */
  async listImages(query: CatalogListQuery): Promise<GlanceImagePage> {
    const { name, status, limit, marker } = query;
    // No catalog call for a filter that no catalog image can pass (openstacksdk's search for hidden images).
    const listed = mayMatch(query) ? (await catalog.listImages({ name })).map(renderGlanceImage) : [];
    const images = (status === undefined ? listed : listed.filter((image) => image.status === status)).sort(compareBy(orderOf(query.sort)));
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
      images: page,
      first: listLink({ ...query, marker: undefined }),
      ...(more ? { next: listLink({ ...query, marker: last.id }) } : {}),
      schema: '/v2/schemas/images',
    };
  },
});
