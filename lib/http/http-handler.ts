import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import type { ApiEvent, ApiResponse, ApiResult } from './api-types.ts';
import type { OperationContract } from './operation-contracts.ts';
import { errorRenderer, jsonResponse, openStackApiVersion, requestInput, tenantAuth } from './middleware.ts';

const tenantClaim = process.env.TENANT_CLAIM || 'tenant_id';

export interface ApiRequest<Body, Query> {
  readonly tenant: string;
  readonly path: Readonly<Record<string, string>>;
  readonly body: Body;
  readonly query: Query;
}

/**
 * Wraps an operation handler in the one middleware stack: the v2 version header, error rendering,
 * tenant auth, body and query validation (with v2's unknown-parameter rule), JSON response. The handler sees only validated input.
 */
export const httpHandler = <Body = undefined, Query = undefined>(
  // An operation's contract (operation-contracts.ts); only its schemas matter here.
  schemas: { readonly body?: z.ZodType<Body>; readonly query?: z.ZodType<Query> } & Partial<Pick<OperationContract, 'success' | 'errors'>>,
  handle: (request: ApiRequest<Body, Query>) => Promise<ApiResponse>,
) =>
  middy<ApiEvent, ApiResult, Error, Context>()
    .use(openStackApiVersion())
    .use(errorRenderer())
    .use(tenantAuth({ claim: tenantClaim }))
    .use(requestInput(schemas))
    .use(jsonResponse())
    .handler(async (event) => {
      const response = await handle({
        tenant: event.tenant!,
        path: (event.pathParameters ?? {}) as Record<string, string>,
        body: event.input?.body as Body,
        query: event.input?.query as Query,
      });
      // jsonResponse() turns this into the proxy result.
      return response as unknown as ApiResult;
    });
