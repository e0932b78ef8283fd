import {
  ConcurrentUpdateError,
  DependencyUnavailableError,
  ImageNotFoundError,
  ImageNotRegisteredError,
  TagLimitExceededError,
} from '../registry/errors.ts';
import { HttpError } from './http-error.ts';

export interface ErrorDescription {
  readonly status: number;
  readonly errorName: string;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
}

const RETRY_SOON = { 'retry-after': '1' };

/** Domain errors in upstream's terms. Everything not listed here is an internal error. */
const domainErrors: ReadonlyArray<[new (...args: never[]) => Error, number, string, Record<string, string>?]> = [
  [ImageNotFoundError, 404, 'NOT_FOUND'],
  [ImageNotRegisteredError, 400, 'IMAGE_NOT_REGISTERED'],
  [TagLimitExceededError, 400, 'VALIDATION_ERROR'],
  [ConcurrentUpdateError, 503, 'SERVICE_UNAVAILABLE', RETRY_SOON],
  [DependencyUnavailableError, 503, 'SERVICE_UNAVAILABLE', RETRY_SOON],
];

/**
 * What the caller is told about a failure. Messages of deliberate errors are exposed; an
 * unexpected error is never described beyond "internal error" (it is logged instead).
 */
export const describeError = (error: unknown): ErrorDescription => {
  if (error instanceof HttpError) {
    return { status: error.status, errorName: error.errorName, message: error.message, headers: error.headers };
  }
  for (const [type, status, errorName, headers = {}] of domainErrors) {
    if (error instanceof type) return { status, errorName, message: error.message, headers };
  }
  return { status: 500, errorName: 'INTERNAL_SERVER_ERROR', message: 'Internal error', headers: {} };
};
