/**
 * How long a request may take, and why the numbers agree. Every request answers in Sahara's body
 * before its function times out, so API Gateway never answers a bare 500 for it.
 *
 *   API Gateway (HTTP API) waits for a function .............................. 30 s (its maximum)
 *   an HTTP function's timeout (FUNCTION_TIMEOUT_MS) ...........................10 s
 *   kept back to turn what stopped the work into an answer (ANSWER_RESERVE_MS) . 0.5 s
 *   so a request's work ends by its deadline ................................... 9.5 s after it starts
 *
 * The deadline is the invocation's own (context.getRemainingTimeInMillis() less the reserve, in
 * lib/deadline.ts): at it, every SDK call in flight is aborted and no retry starts, and the answer
 * is 503 + Retry-After. Middy's early-timeout answers the same, BACKSTOP_MS before the timeout,
 * should anything not stop at the deadline.
 *
 * One SDK call, retried to its end, fits the deadline on its own, so the deadline cuts only a
 * request that made several slow calls:
 *
 *   a service that never answers: 3 attempts x 2.5 s (REQUEST_TIMEOUT_MS, thrown, not just logged)
 *     + the SDK's backoff between them (at most 50 + 100 ms) ................. 7.65 s < 9.5 s
 *   a service that throttles: 3 quick refusals + backoff (at most 1 + 2 s) ....... about 3 s
 *   a connection that never opens: at most 1 s (CONNECTION_TIMEOUT_MS) inside the 2.5 s of its attempt
 *
 * The registry's own retries against other writers (up to 40, lib/registry/image-registry.ts)
 * stop as soon as the next attempt would not fit before the deadline.
 *
 * test/unit/time-budget.test.ts holds these inequalities; test/handler/deadlines.test.ts holds the
 * answer before the timeout.
 */

/** The timeout of every function behind the HTTP API (infra/image-registry-stack.ts). */
export const FUNCTION_TIMEOUT_MS = 10_000;

/** What a request keeps back from its invocation's time to answer once its work has stopped. */
export const ANSWER_RESERVE_MS = 500;

/** Middy's early timeout: the last resort, should the work not stop at its deadline. */
export const BACKSTOP_MS = 100;

/** Per attempt of an SDK call (DynamoDB and EC2): to connect, and to get the whole answer. */
export const CONNECTION_TIMEOUT_MS = 1_000;
export const REQUEST_TIMEOUT_MS = 2_500;

/** Attempts per SDK call, unless DYNAMODB_MAX_ATTEMPTS / EC2_MAX_ATTEMPTS say otherwise. */
export const SDK_MAX_ATTEMPTS = 3;

/** The most the SDK (v3, standard retry mode) waits between attempts of one call, for 3 attempts. */
export const SDK_MAX_BACKOFF_MS = { transient: 50 + 100, throttling: 1_000 + 2_000 };
