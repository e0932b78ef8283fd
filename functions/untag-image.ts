import { httpHandler } from '../lib/http/http-handler.ts';
import { renderImage } from '../lib/http/render-image.ts';
import { registry } from '../lib/registry-from-env.ts';

export const handler = httpHandler('untag-image', async ({ tenant, imageId, body }) => ({
  image: renderImage(await registry.untagImage(tenant, imageId, body.tags)),
}));
