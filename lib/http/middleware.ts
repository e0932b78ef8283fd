import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { log } from '../log.ts';
import { routeOfKey } from '../routes.ts';
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

const isV2 = (event: ApiEvent) => routeOfKey(event.routeKey)?.version === '2';

/** Sahara's microversion: the one v2 version there is, and what answers carry. */
const DATA_PROCESSING_VERSION = '2.0';
const VERSION_HEADERS = { 'openstack-api-version': `data-processing ${DATA_PROCESSING_VERSION}`, vary: 'OpenStack-API-Version' };
const VERSION_PATTERN = /^([1-9]\d*)\.([1-9]\d*|0)$/;

/** The data-processing entry of `OpenStack-API-Version: compute 2.1, data-processing 2.0`; entries for other services are not ours. */
const requestedVersion = (header: string | undefined): string | undefined => {
  for (const entry of (header ?? '').split(',')) {
    const [service, version] = entry.trim().split(/\s+(.*)/s);
    if (service?.toLowerCase() === 'data-processing' && version !== undefined) return version.trim();
  }
  return undefined;
};

const withVersionHeaders = <T extends ApiResult | null | undefined>(result: T): T =>
  (result ? { ...result, headers: { ...result.headers, ...VERSION_HEADERS } } : result) as T;

/**
 * v2's OpenStack-API-Version, as upstream's microversion check: none or `latest` is 2.0, another
 * well-formed version is 406 NOT_ACCEPTABLE, a malformed one 400 BAD_REQUEST. Every v2 answer,
 * error or not, names the version. Used first in the stack, so its after/onError run last.
 */
export const openStackApiVersion = (): Middleware => ({
  before: ({ event }) => {
    if (!isV2(event)) return;
    const requested = requestedVersion(event.headers?.['openstack-api-version']);
    if (requested === undefined || requested === 'latest' || requested === DATA_PROCESSING_VERSION) return;
    const shown = requested.slice(0, 32);
    if (!VERSION_PATTERN.test(requested)) {
      throw new HttpError(400, 'BAD_REQUEST', `API version string '${shown}' is not valid; use data-processing ${DATA_PROCESSING_VERSION}`);
    }
    throw new HttpError(406, 'NOT_ACCEPTABLE', `API version '${shown}' is not supported; the only version is ${DATA_PROCESSING_VERSION}`);
  },
  after: (request) => {
    if (isV2(request.event)) request.response = withVersionHeaders(request.response);
  },
  onError: (request) => {
    if (isV2(request.event)) request.response = withVersionHeaders(request.response);
  },
});

/** Query parameters upstream's v2 accepts on every route (and ignores where it does not page). */
export const V2_TOLERATED_QUERY_PARAMETERS = ['marker', 'limit', 'sort_by'] as const;

/** v2 refuses a query parameter the route does not know; v1.1 ignores it. */
const refuseUnknownV2Parameters = (event: ApiEvent, known: readonly string[]) => {
  const accepted = new Set([...known, ...V2_TOLERATED_QUERY_PARAMETERS]);
  const unknown = [...new Set(new URLSearchParams(event.rawQueryString ?? '').keys())].filter((name) => !accepted.has(name));
  if (unknown.length > 0) {
    const names = unknown.slice(0, 5).map((name) => `'${name.slice(0, 64)}'`).join(', ');
    throw new HttpError(400, 'INVALID_PARAMS_ON_REQUEST', `Unknown query parameter${unknown.length > 1 ? 's' : ''} ${names}; this request accepts ${[...accepted].join(', ')}`);
  }
};

/** The object schema a query schema reads into (through a z.preprocess, as listImagesQuery is built). */
export const queryObjectOf = (schema: z.ZodType | undefined): z.ZodObject | undefined => {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current && depth < 4; depth++) {
    if (current instanceof z.ZodObject) return current;
    current = current instanceof z.ZodPipe ? (current.def.out as z.ZodType) : undefined;
  }
  return undefined;
};

/** The query parameters a query schema reads. */
export const queryParameterNames = (schema: z.ZodType | undefined): string[] => Object.keys(queryObjectOf(schema)?.shape ?? {});

/** Parses and validates the JSON body and the query string against the operation's zod schemas. */
export const requestInput = ({ body, query }: { body?: z.ZodType; query?: z.ZodType }): Middleware => {
  const knownParameters = queryParameterNames(query);
  return {
    before: ({ event }) => {
      if (isV2(event)) refuseUnknownV2Parameters(event, knownParameters);
      event.input = {
        body: body ? validate(body, readJsonBody(event), 'request body') : undefined,
        query: query ? validate(query, new URLSearchParams(event.rawQueryString ?? ''), 'query') : undefined,
      };
    },
  };
};

/** Serializes the handler's ApiResponse into the Lambda proxy result. */
export const jsonResponse = (): Middleware => ({
  after: (request) => {
    request.response = toResult(requestIdOf(request.event, request.context), request.response as unknown as ApiResponse);
  },
});
