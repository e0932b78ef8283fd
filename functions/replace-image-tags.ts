import { httpHandler } from '../lib/http/http-handler.ts';
import { renderImage } from '../lib/http/render-image.ts';
import { tagsBody } from '../lib/http/schemas.ts';
import { registry } from '../lib/registry-from-env.ts';

export const handler = httpHandler({ body: tagsBody }, async ({ tenant, path, body }) => {
  const image = await registry.replaceImageTags(tenant, path.image_id!, body.tags);
  return { statusCode: 200, body: { image: renderImage(image) } };
});
