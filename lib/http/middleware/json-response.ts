import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ApiEvent, ApiResponse, ApiResult } from '../api-types.ts';
import { requestIdOf, toResult } from '../proxy-result.ts';

/** What the middlewares after this one know of the answer besides its text: the value it was made from. */
export interface SerializedAnswer extends Record<string, unknown> {
  answerBody?: unknown;
}

/**
 * Serializes the handler's ApiResponse into the Lambda proxy result, and leaves the body's value
 * to responseEncoding, which sizes a large answer from it faster than from its text.
 */
export const jsonResponse = (): MiddlewareObj<ApiEvent, ApiResult, Error, Context, SerializedAnswer> => ({
  after: (request) => {
    const answer = request.response as unknown as ApiResponse;
    request.internal.answerBody = answer.body;
    request.response = toResult(requestIdOf(request.event, request.context), answer);
  },
});
