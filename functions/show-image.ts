import { httpHandler } from '../lib/http/http-handler.ts';
import { contracts } from '../lib/http/operation-contracts.ts';
import { renderImage } from '../lib/http/render-image.ts';
import { registry } from '../lib/registry-from-env.ts';

export const handler = httpHandler(contracts['show-image'], async ({ tenant, path }) => {
  const image = await registry.showImage(tenant, path.image_id!);
  return { statusCode: 200, body: { image: renderImage(image) } };
});
