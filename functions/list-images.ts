import { httpHandler } from '../lib/http/http-handler.ts';
import { renderImage } from '../lib/http/render-image.ts';
import { renderPage } from '../lib/http/render-page.ts';
import { MAX_PAGE_LIMIT } from '../lib/http/schemas.ts';
import { registry } from '../lib/registry-from-env.ts';

export const handler = httpHandler('list-images', async ({ tenant, query }) => {
  const { limit, marker, ...filter } = query;
  if (limit === undefined && marker === undefined) {
    return { images: (await registry.listImages(tenant, filter)).map(renderImage) };
  }
  const page = await registry.listImagesPage(tenant, filter, { limit: limit ?? MAX_PAGE_LIMIT, position: marker });
  return renderPage(page, marker);
});
