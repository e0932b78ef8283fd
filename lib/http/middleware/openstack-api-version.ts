import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { routeOfKey } from '../../routes.ts';
import { apiErrors, HttpError } from '../api-errors.ts';
import type { ApiEvent, ApiResult } from '../api-types.ts';

/** Whether the event came in on a v2 route: v2 names its version in every answer and refuses unknown query parameters. */
export const isV2 = (event: ApiEvent): boolean => routeOfKey(event.routeKey)?.version === '2';

/** Sahara's microversion: the one v2 version there is, and what answers carry. */
const DATA_PROCESSING_VERSION = '2.0';
const VERSION_HEADER = `data-processing ${DATA_PROCESSING_VERSION}`;
const VERSION_PATTERN = /^([1-9]\d*)\.([1-9]\d*|0)$/;

/** The data-processing entry of `OpenStack-API-Version: compute 2.1, data-processing 2.0`; entries for other services are not ours. */
const requestedVersion = (header: string | undefined): string | undefined => {
  for (const entry of (header ?? '').split(',')) {
    const [service, version] = entry.trim().split(/\s+(.*)/s);
    if (service?.toLowerCase() === 'data-processing' && version !== undefined) return version.trim();
  }
  return undefined;
};

/** The version header, and OpenStack-API-Version added to what the answer already varies by (Accept-Encoding). */
const withVersionHeaders = <T extends ApiResult | null | undefined>(result: T): T => {
  if (!result) return result;
  const vary = [result.headers?.vary, 'OpenStack-API-Version'].filter(Boolean).join(', ');
  return { ...result, headers: { ...result.headers, 'openstack-api-version': VERSION_HEADER, vary } } as T;
};

// Upstream's 406 and 400 name the range it serves in the body too.
const VERSION_RANGE = { min_version: DATA_PROCESSING_VERSION, max_version: DATA_PROCESSING_VERSION };

/**
 * v2's OpenStack-API-Version, as upstream's microversion check: none or `latest` is 2.0, another
 * well-formed version is 406 NOT_ACCEPTABLE, a malformed one 400 BAD_REQUEST, both with
 * upstream's min_version and max_version. Used after tenant auth: upstream checks the path's
 * tenant (auth_valid middleware) before its blueprint checks the version.
 */
export const supportedApiVersion = (): MiddlewareObj<ApiEvent, ApiResult, Error, Context> => ({
  before: ({ event }) => {
    if (!isV2(event)) return;
    const requested = requestedVersion(event.headers?.['openstack-api-version']);
    if (requested === undefined || requested === 'latest' || requested === DATA_PROCESSING_VERSION) return;
    const shown = requested.slice(0, 32);
    if (!VERSION_PATTERN.test(requested)) {
      const message = `API version string '${shown}' is not valid; use data-processing ${DATA_PROCESSING_VERSION}`;
      throw new HttpError(apiErrors.malformedApiVersion, message, {}, VERSION_RANGE);
    }
    const message = `API version '${shown}' is not supported; the only version is ${DATA_PROCESSING_VERSION}`;
    throw new HttpError(apiErrors.unsupportedApiVersion, message, {}, VERSION_RANGE);
  },
});

/** Every v2 answer, error or not, names the version. Used first in the stack, so its after/onError run last. */
export const openStackApiVersion = (): MiddlewareObj<ApiEvent, ApiResult, Error, Context> => ({
  after: (request) => {
    if (isV2(request.event)) request.response = withVersionHeaders(request.response);
  },
  onError: (request) => {
    if (isV2(request.event)) request.response = withVersionHeaders(request.response);
  },
});
