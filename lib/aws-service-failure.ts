/**
 * Whether a failure is transient (the service throttled us, failed, or never answered in time)
 * rather than permanent, after the SDK's own bounded retries. Transient is a 503 with Retry-After:
 * the same request may succeed shortly. Permanent is everything else: a refusal that is our own
 * fault (a missing permission, a request the service finds invalid) or a bug of ours. It is a 500,
 * logged with its cause, because retrying a misconfiguration only repeats it.
 */

/** No answer in time: the SDK's timeouts, and the invocation's deadline cutting a call short (lib/deadline.ts). */
const NO_ANSWER = new Set(['TimeoutError', 'AbortError', 'RequestTimeout', 'RequestTimeoutException']);

/**
 * Node's codes for a connection refused, cut or unreachable. Not ENOTFOUND: a name that does not
 * resolve is a wrong endpoint far more often than a passing fault.
 */
const NETWORK_FAILURES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

/**
 * `transientNames`: the error codes the adapter's service throttles or fails with (each adapter
 * names its own). Beyond those: any 5xx or 429 answer, no answer in time, and a connection that
 * failed. An HTTP answer below 500 and an error that is no network failure are permanent.
 */
export const isServiceFailure = (error: Error, transientNames: ReadonlySet<string> = new Set()): boolean => {
  if (transientNames.has(error.name) || NO_ANSWER.has(error.name)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' && NETWORK_FAILURES.has(code);
};
