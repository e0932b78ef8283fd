import type { Context } from 'aws-lambda';
import { instrument } from '../instrument.ts';
import { currentInvocation } from '../invocation.ts';
import { metrics } from '../metrics.ts';
import type { ApiEvent, ApiResult } from './api-types.ts';

/** Who called: the token's subject (or its client for a machine token), or the IAM principal API Gateway verified. */
const callerOf = (event: ApiEvent): string | undefined => {
  const { jwt, iam } = (event.requestContext?.authorizer ?? {}) as { jwt?: { claims?: Record<string, unknown> }; iam?: { userArn?: string } };
  const claim = jwt?.claims?.sub ?? jwt?.claims?.client_id;
  return typeof claim === 'string' ? claim : iam?.userArn;
};

/** The answer's `error_name`, read from upstream's error body, so the metric counts exactly what the caller got. */
const errorNameOf = (result: ApiResult): string | undefined => {
  try {
    const name: unknown = JSON.parse(result.body ?? '').error_name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
};

/**
 * An HTTP function inside its invocation: the log lines carry API Gateway's request id, the caller
 * and (once tenant-auth has read it) the tenant; every answer counts as a request, a 4xx or a 5xx,
 * the errors by `error_name`.
 */
export const instrumentHttp = (operation: string, handler: (event: ApiEvent, context: Context) => Promise<ApiResult>) =>
  instrument(
    operation,
    async (event: ApiEvent, context: Context) => {
      const result = await handler(event, context);
      const status = result.statusCode ?? 200;
      const invocation = currentInvocation()!;
      invocation.status = status;
      metrics.count('requests');
      if (status >= 400) {
        invocation.errorName = errorNameOf(result);
        metrics.count(status >= 500 ? 'serverErrors' : 'clientErrors');
      }
      return result;
    },
    (event) => ({
      apiRequestId: event.requestContext?.requestId,
      caller: callerOf(event),
      get tenant() {
        return event.tenant;
      },
    }),
  );
