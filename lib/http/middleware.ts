import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { log } from '../log.ts';
import type { ApiEvent, ApiResponse, ApiResult } from './api-types.ts';
import { describeError } from './error-response.ts';
import { HttpError } from './http-error.ts';
import { formatIssues } from './schemas.ts';

type Middleware = MiddlewareObj<ApiEvent, ApiResult, Error, Context>;

export const MAX_BODY_BYTES = 64 * 1024;

// Tenants are part of every key; refusing '#' keeps keys unambiguous (lib/store/keys.ts).
const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

const requestIdOf = (event: ApiEvent, context: Context) => event.requestContext?.requestId || context.awsRequestId;

const toResult = (requestId: string, { statusCode, body, headers }: ApiResponse): ApiResult => ({
  statusCode,
  headers: {
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    'x-openstack-request-id': `req-${requestId}`,
    ...headers,
  },
  body: body === undefined ? '' : JSON.stringify(body),
});

/** Upstream's error body. The request id ends the message, so a caller's report leads to the log line. */
export const renderError = (error: unknown, requestId: string): ApiResult => {
  const { status, errorName, message, headers } = describeError(error);
  return toResult(requestId, {
    statusCode: status,
    headers,
    body: { error_code: status, error_name: errorName, error_message: `${message}\nError ID: req-${requestId}` },
  });
};

/**
 * Renders every failure in upstream's error body. As middy's http-error-handler does, errors
 * below 500 are exposed; anything else is logged and answered with a bare "Internal error".
 */
export const errorRenderer = (): Middleware => ({
  onError: (request) => {
    const { event, context, error } = request;
    const requestId = requestIdOf(event, context);
    const response = renderError(error, requestId);
    const fields = { requestId, route: event.routeKey, status: response.statusCode };
    if (response.statusCode! >= 500) log.error('request failed', { ...fields, error });
    else log.info('request refused', { ...fields, reason: error?.message });
    request.response = response;
  },
});

/**
 * The tenant comes from the authorizer's claims and nowhere else. A path tenant (v1.1) that is
 * not the token's is refused before anything is read.
 */
export const tenantAuth = ({ claim }: { claim: string }): Middleware => ({
  before: ({ event }) => {
    const value = event.requestContext?.authorizer?.jwt?.claims?.[claim];
    const tenant = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
    if (tenant === undefined || !TENANT_PATTERN.test(tenant)) {
      throw new HttpError(401, 'UNAUTHORIZED', 'Authentication required: a valid token naming a tenant');
    }
    const pathTenant = event.pathParameters?.tenant_id;
    if (pathTenant !== undefined && pathTenant !== tenant) {
      throw new HttpError(403, 'FORBIDDEN', `The token does not grant access to tenant '${pathTenant.slice(0, 64)}'`);
    }
    event.tenant = tenant;
  },
});

const isJsonMediaType = (contentType: string) => {
  const mediaType = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[^/]+\+json$/.test(mediaType);
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

const readJsonBody = (event: ApiEvent): unknown => {
  const contentType = event.headers?.['content-type'];
  if (contentType !== undefined && contentType !== '' && !isJsonMediaType(contentType)) {
    throw new HttpError(400, 'INVALID_DATA', `Content-Type '${contentType.slice(0, 64)}' is not supported; send application/json`);
  }
  const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (raw.length > MAX_BODY_BYTES) {
    throw new HttpError(413, 'REQUEST_ENTITY_TOO_LARGE', `Request body is ${raw.length} bytes; the limit is ${MAX_BODY_BYTES}`);
  }
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new HttpError(400, 'MALFORMED_REQUEST_BODY', 'Request body is not valid UTF-8');
  }
  if (text.trim() === '') throw new HttpError(400, 'MALFORMED_REQUEST_BODY', 'Request body is empty; a JSON object is required');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'MALFORMED_REQUEST_BODY', 'Request body is not valid JSON');
  }
};

const validate = <T>(schema: z.ZodType<T>, value: unknown, root: string): T => {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, 'VALIDATION_ERROR', formatIssues(result.error, root));
  return result.data;
};

/** Parses and validates the JSON body and the query string against the operation's zod schemas. */
export const requestInput = ({ body, query }: { body?: z.ZodType; query?: z.ZodType }): Middleware => ({
  before: ({ event }) => {
    event.input = {
      body: body ? validate(body, readJsonBody(event), 'request body') : undefined,
      query: query ? validate(query, new URLSearchParams(event.rawQueryString ?? ''), 'query') : undefined,
    };
  },
});

/** Serializes the handler's ApiResponse into the Lambda proxy result. */
export const jsonResponse = (): Middleware => ({
  after: (request) => {
    request.response = toResult(requestIdOf(request.event, request.context), request.response as unknown as ApiResponse);
  },
});
