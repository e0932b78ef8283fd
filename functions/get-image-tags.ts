import { httpHandler } from '../lib/http/http-handler.ts';
import { registry } from '../lib/registry-from-env.ts';

// Upstream answers a bare list, or {} when empty, which python-saharaclient's get_tags() cannot
// read; {"tags": [...]} is what the client's Image resource expects (docs/api.md).
export const handler = httpHandler('get-image-tags', async ({ tenant, imageId }) => ({
  tags: [...(await registry.getImageTags(tenant, imageId))],
}));
