import { httpHandler } from '../lib/http/http-handler.ts';
import { renderImage } from '../lib/http/render-image.ts';
import { listImagesQuery } from '../lib/http/schemas.ts';
import { registry } from '../lib/registry-from-env.ts';

export const handler = httpHandler({ query: listImagesQuery }, async ({ tenant, query }) => {
  const images = await registry.listImages(tenant, query);
  return { statusCode: 200, body: { images: images.map(renderImage) } };
});
