import { AsyncLocalStorage } from 'node:async_hooks';
import { ANSWER_RESERVE_MS } from './time-budget.ts';

/**
 * The deadline of the invocation a piece of work belongs to (lib/time-budget.ts has the numbers).
 * It travels with the work through every await, so the registry's retries and the SDK clients see
 * it without being handed it: the SDK aborts a call in flight when it passes, and the registry
 * starts no retry that would not fit.
 */
interface Deadline {
  /** performance.now() at which the work must have stopped. */
  readonly at: number;
  /** Aborted at the deadline. */
  readonly signal: AbortSignal;
}

const current = new AsyncLocalStorage<Deadline>();

/**
 * Runs `work` against the time left in the invocation (Lambda's context.getRemainingTimeInMillis()),
 * less what the answer needs (ANSWER_RESERVE_MS). Without a context (a test calling a handler
 * directly) the work has no deadline.
 */
export const withDeadline = async <T>(context: { getRemainingTimeInMillis(): number } | undefined, work: () => Promise<T>): Promise<T> => {
  if (context === undefined) return work();
  const budget = Math.max(0, context.getRemainingTimeInMillis() - ANSWER_RESERVE_MS);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`the request's deadline passed, ${budget} ms after it started`)), budget);
  try {
    return await current.run({ at: performance.now() + budget, signal: controller.signal }, work);
  } finally {
    clearTimeout(timer);
  }
};

/** Milliseconds left before the current work's deadline; Infinity outside an invocation (tests, scripts). */
export const remainingMs = (): number => {
  const deadline = current.getStore();
  return deadline === undefined ? Number.POSITIVE_INFINITY : deadline.at - performance.now();
};

type SdkSend = (command: never, options?: { abortSignal?: AbortSignal }) => Promise<unknown>;

/**
 * Makes every call of an SDK client carry the current deadline's signal: the SDK aborts the
 * attempt in flight, skips the retries left, and fails with an AbortError (a transient fault:
 * lib/aws-service-failure.ts). Done on the client, so no call site can forget it. The client
 * class's own `send` is looked up at each call, so a test double put on the class later is used.
 */
export const boundByDeadline = <C extends { send: unknown }>(client: C): C => {
  const classSend = () => (Object.getPrototypeOf(client) as { send: SdkSend }).send;
  const bounded: SdkSend = (command, options) => classSend().call(client, command, { abortSignal: current.getStore()?.signal, ...options });
  return Object.assign(client, { send: bounded });
};
