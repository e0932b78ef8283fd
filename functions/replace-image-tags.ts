import { httpHandler } from '../lib/http/http-handler.ts';
import { contracts } from '../lib/http/operation-contracts.ts';
import { renderImage } from '../lib/http/render-image.ts';
import { registry } from '../lib/registry-from-env.ts';

export const handler = httpHandler(contracts['replace-image-tags'], async ({ tenant, path, body }) => {
  const image = await registry.replaceImageTags(tenant, path.image_id!, body.tags);
  return { statusCode: 200, body: { image: renderImage(image) } };
});
