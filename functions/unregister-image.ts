import { httpHandler } from '../lib/http/http-handler.ts';
import { registry } from '../lib/registry-from-env.ts';

export const handler = httpHandler('unregister-image', async ({ tenant, imageId }) => {
  await registry.unregisterImage(tenant, imageId);
});
