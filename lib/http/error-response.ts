import {
  ConcurrentUpdateError,
  DependencyUnavailableError,
  ImageNotFoundError,
  ImageNotRegisteredError,
  OutOfTimeError,
  TagLimitExceededError,
} from '../registry/errors.ts';
import { apiErrors, type ErrorBodyFields, type ErrorCase, HttpError } from './api-errors.ts';

export interface ErrorDescription {
  readonly status: number;
  readonly errorName: string;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyFields: ErrorBodyFields;
}

const RETRY_SOON = { 'retry-after': '1' };

/** The registry's errors in upstream's terms. Everything not listed here is an internal error. */
const domainErrors: ReadonlyArray<[new (...args: never[]) => Error, ErrorCase, Record<string, string>?]> = [
  [ImageNotFoundError, apiErrors.imageNotFound],
  [ImageNotRegisteredError, apiErrors.imageNotRegistered],
  [TagLimitExceededError, apiErrors.tagLimitExceeded],
  [ConcurrentUpdateError, apiErrors.unavailable, RETRY_SOON],
  [DependencyUnavailableError, apiErrors.unavailable, RETRY_SOON],
  [OutOfTimeError, apiErrors.unavailable, RETRY_SOON],
];

/**
 * What the caller is told about a failure. Messages of deliberate errors are exposed; an
 * unexpected error is never described beyond "internal error" (it is logged instead).
 */
export const describeError = (error: unknown): ErrorDescription => {
  if (error instanceof HttpError) {
    return { status: error.status, errorName: error.errorName, message: error.message, headers: error.headers, bodyFields: error.bodyFields };
  }
  for (const [type, { status, errorName }, headers = {}] of domainErrors) {
    if (error instanceof type) return { status, errorName, message: error.message, headers, bodyFields: {} };
  }
  const { status, errorName } = apiErrors.internal;
  return { status, errorName, message: 'Internal error', headers: {}, bodyFields: {} };
};
