import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { apiErrors, type ErrorCase, HttpError } from '../api-errors.ts';
import type { ApiEvent, ApiResult } from '../api-types.ts';
import { formatIssues, MAX_BODY_BYTES } from '../schemas.ts';
import { isV2 } from './openstack-api-version.ts';

/** Query parameters upstream's v2 accepts on every route (and ignores where it does not page). */
export const V2_TOLERATED_QUERY_PARAMETERS = ['marker', 'limit', 'sort_by'] as const;

const isJsonMediaType = (contentType: string) => {
  const mediaType = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[^/]+\+json$/.test(mediaType);
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

const readJsonBody = (event: ApiEvent): unknown => {
  // Upstream reads a request without a body as {} (whatever its Content-Type), so the schema names what is missing.
  if (!event.body) return {};
  const contentType = event.headers?.['content-type'];
  if (contentType !== undefined && contentType !== '' && !isJsonMediaType(contentType)) {
    throw new HttpError(apiErrors.unsupportedContentType, `Content-Type '${contentType.slice(0, 64)}' is not supported; send application/json`);
  }
  const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (raw.length > MAX_BODY_BYTES) {
    throw new HttpError(apiErrors.bodyTooLarge, `Request body is ${raw.length} bytes; the limit is ${MAX_BODY_BYTES}`);
  }
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new HttpError(apiErrors.malformedBody, 'Request body is not valid UTF-8');
  }
  if (text.trim() === '') throw new HttpError(apiErrors.malformedBody, 'Request body is only white space; a JSON object is required');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(apiErrors.malformedBody, 'Request body is not valid JSON');
  }
};

const validate = <T>(schema: z.ZodMiniType<T>, value: unknown, refusal: ErrorCase, root: string): T => {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(refusal, formatIssues(result.error, root));
  return result.data;
};

/** v2 refuses a query parameter the route does not know; v1.1 ignores it. */
const refuseUnknownV2Parameters = (event: ApiEvent, known: readonly string[]) => {
  const accepted = new Set([...known, ...V2_TOLERATED_QUERY_PARAMETERS]);
  const unknown = [...new Set(new URLSearchParams(event.rawQueryString ?? '').keys())].filter((name) => !accepted.has(name));
  if (unknown.length > 0) {
    const names = unknown
      .slice(0, 5)
      .map((name) => `'${name.slice(0, 64)}'`)
      .join(', ');
    throw new HttpError(
      apiErrors.unknownQueryParameter,
      `Unknown query parameter${unknown.length > 1 ? 's' : ''} ${names}; this request accepts ${[...accepted].join(', ')}`,
    );
  }
};

/** The object schema a query schema reads into (through a z.preprocess, as listImagesQuery is built, or before a .transform). */
export const queryObjectOf = (schema: z.core.$ZodType | undefined): z.core.$ZodObject | undefined => {
  // By the definition's type, not instanceof: z.core's classes at run time would bundle all of zod's core.
  let current: z.core.$ZodType | undefined = schema;
  for (let depth = 0; current && depth < 4; depth++) {
    const def = current._zod.def as z.core.$ZodTypeDef;
    if (def.type === 'object') return current as z.core.$ZodObject;
    if (def.type !== 'pipe') return undefined;
    const { in: input, out } = def as z.core.$ZodPipeDef;
    current = out._zod.def.type === 'transform' ? input : out;
  }
  return undefined;
};

/** The query parameters a query schema reads. */
export const queryParameterNames = (schema: z.core.$ZodType | undefined): string[] => Object.keys(queryObjectOf(schema)?._zod.def.shape ?? {});

/**
 * Parses and validates the JSON body and the query string against the operation's zod schemas.
 * The body comes first: upstream's v2 checks its schema before the query's parameter names.
 */
export const requestInput = ({ body, query }: { body?: z.ZodMiniType; query?: z.ZodMiniType }): MiddlewareObj<ApiEvent, ApiResult, Error, Context> => {
  const knownParameters = queryParameterNames(query);
  return {
    before: ({ event }) => {
      const parsedBody = body ? validate(body, readJsonBody(event), apiErrors.invalidBody, 'request body') : undefined;
      if (isV2(event)) refuseUnknownV2Parameters(event, knownParameters);
      event.input = {
        body: parsedBody,
        query: query ? validate(query, new URLSearchParams(event.rawQueryString ?? ''), apiErrors.invalidQuery, 'query') : undefined,
      };
    },
  };
};
