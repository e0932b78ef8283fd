import { Annotations } from 'aws-cdk-lib';
import { type CfnStage, type HttpApi, HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { type Operation, operations } from '../lib/routes.ts';
import type { Throttle } from './operations-settings.ts';

export interface StageSettings {
  /** Where the stage writes one JSON line per request. */
  readonly accessLogs: ILogGroup;
  /** The token claim naming the tenant, shown in the access log. */
  readonly tenantClaim: string;
  /** Every route; the write routes of the route table get `writeThrottle` instead. */
  readonly throttle: Throttle;
  readonly writeThrottle: Throttle;
}

/** A claim API Gateway can name in `$context.authorizer.claims.<claim>`. */
const PLAIN_CLAIM = /^[A-Za-z0-9_]+$/;

/**
 * One JSON line per request: who called (the token's `sub` or `client_id`, or the IAM caller) in
 * which tenant, what, the answer, the time it took, the Lambda request id that leads to the
 * function's log lines, and why a request failed before a function ran (authorizer, throttling).
 */
const accessLogFormat = (tenantClaim: string): Record<string, string> => ({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  time: '$context.requestTime',
  method: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  lambdaRequestId: '$context.integration.requestId',
  sub: '$context.authorizer.claims.sub',
  clientId: '$context.authorizer.claims.client_id',
  iamCaller: '$context.identity.userArn',
  ...(PLAIN_CLAIM.test(tenantClaim) ? { tenant: `$context.authorizer.claims.${tenantClaim}` } : {}),
  authorizerError: '$context.authorizer.error',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
});

/** `POST /v1.1/{tenant_id}/images/{image_id}`: the route keys of every change. */
const writeRouteKeys = (operations as readonly Operation[])
  .filter((operation) => operation.access === 'write')
  .flatMap((operation) => operation.routes.map((route) => `${route.method} ${route.path}`));

/**
 * The settings of an API's default stage, in one place, so that every API of the stack (the users'
 * API and any other on the same routes) gets the same: the access log, throttling on every route,
 * and lower throttling on the write routes. A request over a limit is answered 429 by API Gateway
 * before any function runs.
 */
export const applyStageSettings = (api: HttpApi, { accessLogs, tenantClaim, throttle, writeThrottle }: StageSettings) => {
  const stage = api.defaultStage!.node.defaultChild as CfnStage;
  if (!PLAIN_CLAIM.test(tenantClaim)) {
    Annotations.of(stage).addWarningV2(
      'image-registry:access-log-tenant',
      `The access log cannot name claim '${tenantClaim}' ($context.authorizer.claims takes letters, digits and _): it shows no tenant; the function logs do.`,
    );
  }
  stage.accessLogSettings = { destinationArn: accessLogs.logGroupArn, format: JSON.stringify(accessLogFormat(tenantClaim)) };
  stage.defaultRouteSettings = { throttlingRateLimit: throttle.rateLimit, throttlingBurstLimit: throttle.burstLimit };
  // RouteSettings is a free-form map in CloudFormation: its keys are route keys, its fields CloudFormation's own names.
  stage.routeSettings = Object.fromEntries(
    writeRouteKeys.map((key) => [key, { ThrottlingRateLimit: writeThrottle.rateLimit, ThrottlingBurstLimit: writeThrottle.burstLimit }]),
  );
  // A stage may only name routes that exist: it is created after them.
  for (const route of api.node.findAll().filter((child) => child instanceof HttpRoute)) stage.node.addDependency(route);
};
