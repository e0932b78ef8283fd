import { httpHandler } from '../lib/http/http-handler.ts';
import { contracts } from '../lib/http/operation-contracts.ts';
import { registry } from '../lib/registry-from-env.ts';

export const handler = httpHandler(contracts['unregister-image'], async ({ tenant, path }) => {
  await registry.unregisterImage(tenant, path.image_id!);
  return { statusCode: 204 };
});
