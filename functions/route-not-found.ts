import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { apiErrors, HttpError } from '../lib/http/api-errors.ts';
import type { ApiEvent, ApiResult } from '../lib/http/api-types.ts';
import { instrumentHttp } from '../lib/http/instrumented-http-handler.ts';
import { errorRenderer } from '../lib/http/middleware/error-renderer.ts';
import { answerImageServiceRootWithSlash } from '../lib/image-service/root-with-slash.ts';
import { matchRoute } from '../lib/routes.ts';

/**
 * The API's `$default` route: unknown paths and wrong methods, answered in the normal error body;
 * and `GET /image/`, which no API Gateway route can name.
 */
const notFound = middy<ApiEvent, ApiResult, Error, Context>()
  .use(errorRenderer())
  .handler(async (event, context) => {
    const imageServiceRoot = answerImageServiceRootWithSlash(event, context);
    if (imageServiceRoot) return imageServiceRoot;
    const { method } = event.requestContext.http;
    const match = matchRoute(method, event.rawPath);
    if (match.kind === 'method-not-allowed') {
      const allowed = match.allowed.join(' or ');
      throw new HttpError(apiErrors.methodNotAllowed, `Method ${method} is not allowed here; use ${allowed}`, { allow: match.allowed.join(', ') });
    }
    throw new HttpError(apiErrors.routeNotFound, `No resource at ${event.rawPath.slice(0, 200)}`);
  });

export const handler = instrumentHttp('route-not-found', notFound);
