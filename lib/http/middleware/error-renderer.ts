import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { renderGlanceError } from '../../image-service/glance-error.ts';
import { log } from '../../log.ts';
import { routeOfKey } from '../../routes.ts';
import type { ApiEvent, ApiResult } from '../api-types.ts';
import { describeError } from '../error-response.ts';
import { renderError, requestIdOf } from '../proxy-result.ts';

/**
 * Renders every failure in upstream's error body: Sahara's, or Glance's on the image service's
 * routes. As middy's http-error-handler does, errors below 500 are exposed; anything else is
 * logged and answered with a bare "Internal error". Both log lines name the answer's `error_name`;
 * the invocation's fields (request ids, tenant) come with them. A 503 (a dependency's passing
 * fault, retried by the caller) is a warning; a 500 (a fault of ours that a retry will not fix) is
 * an error, logged with its cause.
 */
export const errorRenderer = (): MiddlewareObj<ApiEvent, ApiResult, Error, Context> => ({
  onError: (request) => {
    const { event, context, error } = request;
    const requestId = requestIdOf(event, context);
    const response =
      routeOfKey(event.routeKey)?.version === 'image' ? renderGlanceError(error, requestId, event.headers?.accept) : renderError(error, requestId);
    const fields = { route: event.routeKey, status: response.statusCode, errorName: describeError(error).errorName };
    if (response.statusCode === 503) log.warn('request failed, to be retried', { ...fields, error });
    else if (response.statusCode! >= 500) log.error('request failed', { ...fields, error });
    else log.info('request refused', { ...fields, reason: error?.message });
    request.response = response;
  },
});
