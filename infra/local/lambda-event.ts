import { randomUUID } from 'node:crypto';
import type { APIGatewayEventRequestContextIAMAuthorizer, Context } from 'aws-lambda';
import type { ApiEvent } from '../../lib/http/api-types.ts';
import { FUNCTION_TIMEOUT_MS } from '../../lib/time-budget.ts';

export interface EventRequest {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly routeKey: string;
  readonly pathParameters?: Record<string, string> | undefined;
  readonly claims?: Record<string, string> | undefined;
  readonly scopes?: string[] | undefined;
  /** A signed caller, as API Gateway's IAM authorization reports it; the event then carries no JWT. */
  readonly iam?: IamCaller | undefined;
  readonly sourceIp?: string;
}

export type IamCaller = APIGatewayEventRequestContextIAMAuthorizer['iam'];

const utf8 = new TextDecoder('utf-8', { fatal: true });

const queryStringParameters = (rawQueryString: string) => {
  const joined: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    joined[key] = key in joined ? `${joined[key]},${value}` : value;
  }
  return Object.keys(joined).length > 0 ? joined : undefined;
};

/** An API Gateway HTTP API (payload format 2.0) event, as API Gateway builds it after its JWT authorizer or IAM authorization. */
export const buildApiEvent = (request: EventRequest): ApiEvent => {
  const now = new Date();
  let body: string | undefined;
  let isBase64Encoded = false;
  if (request.body.length > 0) {
    try {
      body = utf8.decode(request.body);
    } catch {
      body = request.body.toString('base64');
      isBase64Encoded = true;
    }
  }
  const requestContext = {
    accountId: '000000000000',
    apiId: 'local',
    domainName: 'localhost',
    domainPrefix: 'localhost',
    http: {
      method: request.method,
      path: request.rawPath,
      protocol: 'HTTP/1.1',
      sourceIp: request.sourceIp ?? '127.0.0.1',
      userAgent: request.headers['user-agent'] ?? '',
    },
    requestId: randomUUID(),
    routeKey: request.routeKey,
    stage: '$default',
    time: now.toISOString(),
    timeEpoch: now.getTime(),
    authorizer: request.iam
      ? { iam: request.iam }
      : { principalId: '', integrationLatency: 0, jwt: { claims: request.claims ?? {}, scopes: request.scopes ?? [] } },
  } satisfies ApiEvent['requestContext'];
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    headers: request.headers as Record<string, string>,
    queryStringParameters: queryStringParameters(request.rawQueryString),
    pathParameters: request.pathParameters,
    requestContext,
    body,
    isBase64Encoded,
  };
};

/**
 * The Lambda context of one invocation: its own request id, as in AWS, distinct from API Gateway's;
 * its time runs out `timeoutMs` from now, as a deployed function's does.
 */
export const lambdaContext = (functionName: string, timeoutMs = FUNCTION_TIMEOUT_MS): Context => {
  const end = performance.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, Math.floor(end - performance.now())),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
