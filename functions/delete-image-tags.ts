import { httpHandler } from '../lib/http/http-handler.ts';
import { registry } from '../lib/registry-from-env.ts';

export const handler = httpHandler('delete-image-tags', async ({ tenant, imageId }) => {
  await registry.removeAllImageTags(tenant, imageId);
});
