import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { OutOfTimeError } from '../registry/errors.ts';
import { type Operation, type OperationName, operations } from '../routes.ts';
import { BACKSTOP_MS } from '../time-budget.ts';
import type { ApiEvent, ApiResponse, ApiResult } from './api-types.ts';
import { callerSettingsFromEnv } from './caller-identity.ts';
import { instrumentHttp } from './instrumented-http-handler.ts';
import { errorRenderer } from './middleware/error-renderer.ts';
import { jsonResponse } from './middleware/json-response.ts';
import { openStackApiVersion, supportedApiVersion } from './middleware/openstack-api-version.ts';
import { requestInput } from './middleware/request-input.ts';
import { responseEncoding } from './middleware/response-encoding.ts';
import { tenantAuth } from './middleware/tenant-auth.ts';
import { contracts, type OperationContract } from './operation-contracts.ts';
import { requestUrlOf } from './request-url.ts';
import type { responseSchemas } from './response-schemas.ts';

// Read once, at a cold start: the tenant claim, the scopes, the service callers and machine clients.
const callerSettings = callerSettingsFromEnv();

type Contract<N extends OperationName> = (typeof contracts)[N];
type Paths<N extends OperationName> = Extract<(typeof operations)[number], { name: N }>['routes'][number]['path'];
type Parsed<S> = S extends () => infer T ? (T extends z.ZodMiniType ? z.output<T> : undefined) : undefined;

/** What an operation handler sees: validated input only, and the image id where its routes have one. */
export type ApiRequest<N extends OperationName> = {
  readonly tenant: string;
  /** The URL the caller used, without the query (for links back to this API). */
  readonly requestUrl: string;
  readonly body: Parsed<Contract<N> extends { body: infer S } ? S : undefined>;
  readonly query: Parsed<Contract<N> extends { query: infer S } ? S : undefined>;
} & (Paths<N> extends `${string}{image_id}${string}` ? { readonly imageId: string } : unknown);

/** What an operation handler answers: the body its contract names (none for 204); the status is the contract's. */
export type SuccessBody<N extends OperationName> = Contract<N>['success'] extends { schema: infer S extends keyof typeof responseSchemas }
  ? z.output<(typeof responseSchemas)[S]>
  : // biome-ignore lint/suspicious/noConfusingVoidType: it is only ever a handler's return type: a 204 handler returns nothing
    void;

/** Middy's early timeout, should the work not stop at its deadline: a 503 in Sahara's body, not Lambda's timeout. */
const outOfTime = { timeoutEarlyInMillis: BACKSTOP_MS, timeoutEarlyResponse: () => Promise.reject(new OutOfTimeError()) };

/**
 * Wraps an operation handler in the one middleware stack: the v2 version headers, error rendering,
 * response encoding, tenant auth, the v2 version check, body and query validation (with v2's
 * unknown-parameter rule), JSON response. The handler gets validated input and returns the body;
 * the success status comes from its contract. The order of the checks is upstream's (docs/api.md,
 * "Errors"). Around it all, the invocation's log fields, metrics and deadline (instrumentHttp).
 */
export const httpHandler = <N extends OperationName>(operation: N, handle: (request: ApiRequest<N>) => Promise<SuccessBody<N>>) => {
  const contract: OperationContract = contracts[operation];
  const { access } = (operations as readonly Operation[]).find((candidate) => candidate.name === operation)!;
  const stack = middy<ApiEvent, ApiResult, Error, Context>(outOfTime)
    .use(openStackApiVersion())
    .use(errorRenderer())
    .use(responseEncoding())
    .use(tenantAuth({ settings: callerSettings, access }))
    .use(supportedApiVersion())
    .use(requestInput({ body: contract.body?.(), query: contract.query?.() }))
    .use(jsonResponse())
    .handler(async (event) => {
      const request = {
        tenant: event.tenant!,
        requestUrl: requestUrlOf(event),
        // API Gateway matched {image_id}, so it is there; '' would be an id no catalog knows (404).
        imageId: event.pathParameters?.image_id ?? '',
        body: event.input?.body,
        query: event.input?.query,
      } as ApiRequest<N>;
      const response: ApiResponse = { statusCode: contract.success.status, body: await handle(request) };
      // jsonResponse() turns this into the proxy result.
      return response as unknown as ApiResult;
    });
  return instrumentHttp(operation, stack);
};
