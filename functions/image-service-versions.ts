import { httpHandler } from '../lib/http/http-handler.ts';
import { versionDocument } from '../lib/image-service/version-document.ts';

// keystoneauth's version discovery asks here first (docs/openstack-cli.md); the links lead back under this URL.
export const handler = httpHandler('image-service-versions', async ({ requestUrl }) => versionDocument(requestUrl));
