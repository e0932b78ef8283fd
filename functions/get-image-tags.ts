import { httpHandler } from '../lib/http/http-handler.ts';
import { contracts } from '../lib/http/operation-contracts.ts';
import { registry } from '../lib/registry-from-env.ts';

// Upstream answers a bare list, or {} when empty, which python-saharaclient's get_tags() cannot
// read; {"tags": [...]} is what the client's Image resource expects (UPSTREAM.md).
export const handler = httpHandler(contracts['get-image-tags'], async ({ tenant, path }) => {
  const tags = await registry.getImageTags(tenant, path.image_id!);
  return { statusCode: 200, body: { tags: [...tags] } };
});
