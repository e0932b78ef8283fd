import type { Context } from 'aws-lambda';
import { withDeadline } from './deadline.ts';
import { type InvocationDetails, runInInvocation, startInvocation } from './invocation.ts';
import { log } from './log.ts';
import { metrics, writeMetrics } from './metrics.ts';

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

/**
 * Runs a Lambda handler inside its invocation (lib/invocation.ts), so that its log lines carry the
 * invocation's fields, and writes the invocation's metric line when it ends, whatever the outcome.
 * The work runs against the invocation's deadline (lib/deadline.ts): its SDK calls are cut, and its
 * retries stop, in time to answer before Lambda's timeout.
 * `describe` adds what the event tells about the request (API Gateway's request id, the caller).
 */
export const instrument =
  <E, R>(operation: string, handler: Handler<E, R>, describe: (event: E) => InvocationDetails = () => ({})): Handler<E, R> =>
  async (event, context) => {
    const invocation = startInvocation(operation, context.awsRequestId, describe(event));
    try {
      return await runInInvocation(invocation, () => {
        if (invocation.coldStart) metrics.count('coldStarts');
        return withDeadline(context, () => handler(event, context));
      });
    } finally {
      writeMetrics(invocation);
    }
  };

/**
 * A function invoked by events (EventBridge), not by API Gateway: counts each event, and a failure
 * is logged with its cause and thrown again, so Lambda retries the event and then hands it to the
 * function's on-failure destination.
 */
export const instrumentEvents = <E>(operation: string, handler: Handler<E, void>): Handler<E, void> =>
  instrument(operation, async (event, context) => {
    metrics.count('events');
    try {
      await handler(event, context);
    } catch (error) {
      metrics.count('eventFailures');
      log.error('event failed; Lambda will retry it', { error });
      throw error;
    }
  });
