import type { Context } from 'aws-lambda';
import type { ApiEvent, ApiResponse, ApiResult } from './api-types.ts';
import { describeError } from './error-response.ts';

/** API Gateway's request id, or Lambda's where there is none; it ends every error message and names the log lines. */
export const requestIdOf = (event: ApiEvent, context: Context): string => event.requestContext?.requestId || context.awsRequestId;

/**
 * The Lambda proxy result of an answer: JSON body, the request id header, the answer's own headers.
 * No answer may be stored: v2 URLs name no tenant, so a cache keyed by URL would hand one tenant's
 * list to another.
 */
export const toResult = (requestId: string, { statusCode, body, headers }: ApiResponse): ApiResult => ({
  statusCode,
  headers: {
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    'cache-control': 'no-store',
    'x-openstack-request-id': `req-${requestId}`,
    ...headers,
  },
  body: body === undefined ? '' : JSON.stringify(body),
});

/** Upstream's error body. The request id ends the message, so a caller's report leads to the log line. */
export const renderError = (error: unknown, requestId: string): ApiResult => {
  const { status, errorName, message, headers, bodyFields } = describeError(error);
  return toResult(requestId, {
    statusCode: status,
    headers,
    body: { error_code: status, error_name: errorName, error_message: `${message}\nError ID: req-${requestId}`, ...bodyFields },
  });
};
