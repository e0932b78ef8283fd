import { httpHandler } from '../lib/http/http-handler.ts';
import { renderImage } from '../lib/http/render-image.ts';
import { registry } from '../lib/registry-from-env.ts';

export const handler = httpHandler('replace-image-tags', async ({ tenant, imageId, body }) => ({
  image: renderImage(await registry.replaceImageTags(tenant, imageId, body.tags)),
}));
