import { httpHandler } from '../lib/http/http-handler.ts';
import { renderImages } from '../lib/http/render-image.ts';
import { renderPage } from '../lib/http/render-page.ts';
import { MAX_PAGE_LIMIT } from '../lib/http/schemas.ts';
import { registry } from '../lib/registry-from-env.ts';

export const handler = httpHandler('list-images', async ({ tenant, query }) => {
  const { limit, marker, sort_by: order, include_deprecated: includeDeprecated, ...filter } = query;
  const filters = { ...filter, includeDeprecated };
  if (limit === undefined && marker === undefined) {
    return { images: renderImages(await registry.listImages(tenant, filters, order)) };
  }
  const page = await registry.listImagesPage(tenant, filters, { limit: limit ?? MAX_PAGE_LIMIT, position: marker?.position, order });
  return renderPage(page, marker?.position, order);
});
