import { httpHandler } from '../lib/http/http-handler.ts';
import { renderImage } from '../lib/http/render-image.ts';
import { registry } from '../lib/registry-from-env.ts';

export const handler = httpHandler('replace-image-tags', async ({ tenant, imageId, body }) => {
  const image = renderImage(await registry.replaceImageTags(tenant, imageId, body.tags));
  // Upstream answers {"image": ...} only, which python-saharaclient's v2 update_tags() and the CLI's
  // tag commands cannot read: they take the image from the top level (docs/api.md).
  return { image, ...image };
});
