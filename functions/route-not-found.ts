import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { apiErrors, HttpError } from '../lib/http/api-errors.ts';
import type { ApiEvent, ApiResult } from '../lib/http/api-types.ts';
import { errorRenderer } from '../lib/http/middleware/error-renderer.ts';
import { contracts } from '../lib/http/operation-contracts.ts';
import { requestIdOf, toResult } from '../lib/http/proxy-result.ts';
import { requestUrlOf } from '../lib/http/request-url.ts';
import { versionDocument } from '../lib/image-service/version-document.ts';
import { matchRoute } from '../lib/routes.ts';

const VERSIONS = 'image-service-versions';

const isImageServiceRootWithSlash = (method: string, rawPath: string) => {
  const match = rawPath.endsWith('/') ? matchRoute(method, rawPath.slice(0, -1)) : undefined;
  return match?.kind === 'found' && match.operation.name === VERSIONS;
};

/**
 * The API's `$default` route: unknown paths and wrong methods, answered in the normal error body.
 * And `GET /image/`: an API Gateway route cannot end in '/', but keystoneauth asks there for the
 * image service's version document when its endpoint is configured with a trailing slash.
 */
export const handler = middy<ApiEvent, ApiResult, Error, Context>()
  .use(errorRenderer())
  .handler(async (event, context) => {
    const { method } = event.requestContext.http;
    if (isImageServiceRootWithSlash(method, event.rawPath)) {
      return toResult(requestIdOf(event, context), { statusCode: contracts[VERSIONS].success.status, body: versionDocument(requestUrlOf(event)) });
    }
    const match = matchRoute(method, event.rawPath);
    if (match.kind === 'method-not-allowed') {
      const allowed = match.allowed.join(' or ');
      throw new HttpError(apiErrors.methodNotAllowed, `Method ${method} is not allowed here; use ${allowed}`, { allow: match.allowed.join(', ') });
    }
    throw new HttpError(apiErrors.routeNotFound, `No resource at ${event.rawPath.slice(0, 200)}`);
  });
