import { isServiceFailure } from '../aws-service-failure.ts';
import { metrics } from '../metrics.ts';
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
  // A transaction with the same idempotency token (the SDK's retry of one whose answer was lost) is still running.
  'TransactionInProgressException',
]);

/** DynamoDB's names for "too many requests", as opposed to its failures. */
const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

const isThrottling = (error: Error) =>
  THROTTLED.has(error.name) ||
  (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons?.some((reason) => THROTTLED.has(reason.Code ?? '')) === true;

/** Whether a DynamoDB failure is the service's; a cancelled transaction is when DynamoDB throttled it. */
const isTransientDynamoDbError = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TransactionCanceledException') {
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    return reasons.some((reason) => reason.Code === 'ThrottlingError' || reason.Code === 'ProvisionedThroughputExceeded');
  }
  return isServiceFailure(error, THROTTLING);
};

/**
 * Runs one DynamoDB call, turning the service's failures into the registry's DependencyUnavailableError,
 * counted as throttling or as a failure: what is left after the SDK's own retries.
 */
export const callDynamoDb = async <T>(call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    if (!isTransientDynamoDbError(error)) throw error;
    metrics.count(isThrottling(error as Error) ? 'dynamoDbThrottles' : 'dynamoDbFailures');
    throw new DependencyUnavailableError('database', { cause: error });
  }
};
