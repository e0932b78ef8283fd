import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ApiEvent, ApiResult } from '../lib/http/api-types.ts';
import { HttpError } from '../lib/http/http-error.ts';
import { errorRenderer } from '../lib/http/middleware.ts';
import { matchRoute } from '../lib/routes.ts';

/** The API's `$default` route: unknown paths and wrong methods, answered in the normal error body. */
export const handler = middy<ApiEvent, ApiResult, Error, Context>()
  .use(errorRenderer())
  .handler(async (event) => {
    const { method } = event.requestContext.http;
    const match = matchRoute(method, event.rawPath);
    if (match.kind === 'method-not-allowed') {
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `Method ${method} is not allowed here; use ${match.allowed.join(' or ')}`, {
        allow: match.allowed.join(', '),
      });
    }
    throw new HttpError(404, 'NOT_FOUND', `No resource at ${event.rawPath.slice(0, 200)}`);
  });
