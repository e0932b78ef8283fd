import { DependencyUnavailableError } from '../registry/errors.ts';

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/**
 * Whether a DynamoDB failure is the service's (throttled, failing, unreachable) rather than ours.
 * Those reach the caller as 503 after the SDK's own bounded retries; anything else is a bug and a 500.
 */
export const isTransientDynamoDbError = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  if (THROTTLING.has(error.name)) return true;
  if (error.name === 'TransactionCanceledException') {
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    return reasons.some((reason) => reason.Code === 'ThrottlingError' || reason.Code === 'ProvisionedThroughputExceeded');
  }
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === undefined) return true; // never got an HTTP answer: connection refused, reset, timed out
  return status >= 500;
};

/** Runs one DynamoDB call, turning the service's failures into the registry's DependencyUnavailableError. */
export const callDynamoDb = async <T>(call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    if (isTransientDynamoDbError(error)) throw new DependencyUnavailableError('database', { cause: error });
    throw error;
  }
};
