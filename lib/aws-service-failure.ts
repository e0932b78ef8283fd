/**
 * Whether an AWS SDK failure is the service's (throttled, failing, unreachable) rather than ours,
 * after the SDK's own bounded retries: the caller gets a 503 to retry, not a 500. Each adapter
 * names the error codes its service throttles with.
 */
export const isServiceFailure = (error: Error, transientNames: ReadonlySet<string>): boolean => {
  if (transientNames.has(error.name)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === undefined) return true; // never got an HTTP answer: connection refused, reset, timed out
  return status >= 500;
};
