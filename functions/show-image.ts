import { httpHandler } from '../lib/http/http-handler.ts';
import { renderImage } from '../lib/http/render-image.ts';
import { registry } from '../lib/registry-from-env.ts';

export const handler = httpHandler('show-image', async ({ tenant, imageId }) => ({
  image: renderImage(await registry.showImage(tenant, imageId)),
}));
