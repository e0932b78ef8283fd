import { isServiceFailure } from '../aws-service-failure.ts';
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

/** Whether a DynamoDB failure is the service's; a cancelled transaction is when DynamoDB throttled it. */
const isTransientDynamoDbError = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TransactionCanceledException') {
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    return reasons.some((reason) => reason.Code === 'ThrottlingError' || reason.Code === 'ProvisionedThroughputExceeded');
  }
  return isServiceFailure(error, THROTTLING);
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
