import { httpHandler } from '../lib/http/http-handler.ts';
import { glanceSchemaFor } from '../lib/image-service/glance-schemas.ts';

export const handler = httpHandler('show-catalog-schema', async ({ requestUrl }) => glanceSchemaFor(requestUrl));
