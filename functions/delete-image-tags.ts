import { httpHandler } from '../lib/http/http-handler.ts';
import { registry } from '../lib/registry-from-env.ts';

export const handler = httpHandler({}, async ({ tenant, path }) => {
  await registry.removeAllImageTags(tenant, path.image_id!);
  return { statusCode: 204 };
});
