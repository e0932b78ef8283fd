import type { Context } from 'aws-lambda';
import type { ApiEvent, ApiResult } from '../http/api-types.ts';
import { contracts } from '../http/operation-contracts.ts';
import { requestIdOf, toResult } from '../http/proxy-result.ts';
import { requestUrlOf } from '../http/request-url.ts';
import { matchRoute } from '../routes.ts';
import { versionDocument } from './version-document.ts';

const VERSIONS = 'image-service-versions';

/**
 * The version document for `GET /image/`, which reaches the `$default` route: an API Gateway route
 * cannot end in '/', but keystoneauth asks there when the image endpoint is configured with one.
 * Undefined for any other request.
 */
export const answerImageServiceRootWithSlash = (event: ApiEvent, context: Context): ApiResult | undefined => {
  const { rawPath } = event;
  const match = rawPath.endsWith('/') ? matchRoute(event.requestContext.http.method, rawPath.slice(0, -1)) : undefined;
  if (match?.kind !== 'found' || match.operation.name !== VERSIONS) return undefined;
  return toResult(requestIdOf(event, context), { statusCode: contracts[VERSIONS].success.status, body: versionDocument(requestUrlOf(event)) });
};
