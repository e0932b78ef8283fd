import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ApiEvent, ApiResponse, ApiResult } from '../api-types.ts';
import { requestIdOf, toResult } from '../proxy-result.ts';

/** Serializes the handler's ApiResponse into the Lambda proxy result. */
export const jsonResponse = (): MiddlewareObj<ApiEvent, ApiResult, Error, Context> => ({
  after: (request) => {
    request.response = toResult(requestIdOf(request.event, request.context), request.response as unknown as ApiResponse);
  },
});
