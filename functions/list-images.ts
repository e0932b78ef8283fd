import { httpHandler } from '../lib/http/http-handler.ts';
import { encodeMarker } from '../lib/http/list-marker.ts';
import { renderImage } from '../lib/http/render-image.ts';
import { MAX_PAGE_LIMIT } from '../lib/http/schemas.ts';
import { registry } from '../lib/registry-from-env.ts';

export const handler = httpHandler('list-images', async ({ tenant, query }) => {
  const { limit, marker, sort_by: order, include_deprecated: includeDeprecated, ...filter } = query;
  const filters = { ...filter, includeDeprecated };
  if (limit === undefined && marker === undefined) {
    return { images: (await registry.listImages(tenant, filters, order)).map(renderImage) };
  }
  const page = await registry.listImagesPage(tenant, filters, { limit: limit ?? MAX_PAGE_LIMIT, position: marker?.position, order });
  return { images: page.images.map(renderImage), markers: { prev: encodeMarker(page.prev, order), next: encodeMarker(page.next, order) } };
});
