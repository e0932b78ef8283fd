import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag findings (AwsSolutions and Serverless packs) the stack accepts on purpose, each with its
 * reason. Everything else cdk-nag reports fails `cdk synth` (infra/app.ts) and the infra tests. The
 * dead-letter queues and the alarm topic acknowledge theirs where they are made
 * (infra/dead-letter-queue.ts, infra/monitoring.ts).
 */
export const acknowledgeNagFindings = (stack: Stack) => {
  Validations.of(stack).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'Every function role carries AWSLambdaBasicExecutionRole, which grants only logs:CreateLogGroup, ' +
      'logs:CreateLogStream and logs:PutLogEvents, as AWS maintains them for Lambda. A hand-written copy would ' +
      'grant the same and drift from it; table access is granted per operation, action by action.',
  });
};

/**
 * ec2:DescribeImages has no resource-level permissions (its resource is always `*`), so a function
 * that may describe an AMI holds it on `*`. Acknowledged on that function alone; every other grant
 * of the function names its resource.
 */
export const acknowledgeDescribeImagesWildcard = (fn: IConstruct) => {
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'ec2:DescribeImages supports no resource-level permissions: IAM accepts only "*" for it. The statement ' +
      "grants that one read-only action; the function's table access names the table and index.",
  });
};

/** The findings on the change events' publisher (infra/image-change-events.ts); its dead-letter queue is infra/dead-letter-queue.ts's. */
export const acknowledgeChangeEventFindings = ({ publisher }: { publisher: IConstruct }) => {
  Validations.of(publisher).acknowledge(
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Two grants take no resource-level permissions (IAM accepts only "*"): dynamodb:ListStreams, which the event source ' +
        "mapping's grant adds next to DescribeStream, GetShardIterator and GetRecords on the table's stream; and active " +
        "tracing's xray:PutTraceSegments and xray:PutTelemetryRecords, which write trace data and read nothing.",
    },
    {
      id: 'Serverless-LambdaDLQ',
      reason:
        "The table's stream invokes this function through an event source mapping whose on-failure destination (an SQS " +
        'queue) keeps what it could not publish; a function dead-letter queue only catches asynchronous invocations.',
    },
  );
};

/**
 * A granular finding's id names the resource as cdk-nag flattens it: `Fn::Join` joined, a `Ref`
 * as `<LogicalId>` (pseudo parameters too: `<AWS::AccountId>`), a `Fn::GetAtt` as `<Id.Attr>`.
 */
const flattenedResource = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if (Array.isArray(node['Fn::Join'])) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flattenedResource).join(delimiter);
  }
  if (node.Ref !== undefined) return `<${flattenedResource(node.Ref)}>`;
  if (Array.isArray(node['Fn::GetAtt'])) return `<${(node['Fn::GetAtt'] as unknown[]).map(flattenedResource).join('.')}>`;
  return JSON.stringify(value);
};

/**
 * The service API's managed policies name each route by method and path, its path parameters as
 * wildcards (`.../*\/GET/v1.1/*\/images/*`): an execute-api ARN names a request path, and a
 * tenant or an image id in it can be anything. The stage is a wildcard too (there is one, `$default`).
 * Each route's resource is acknowledged by name, so any other wildcard still fails the synth.
 */
export const acknowledgeServiceApiRoutes = (policy: IConstruct, routeArns: readonly string[]) => {
  const stack = Stack.of(policy);
  for (const arn of routeArns) {
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenedResource(stack.resolve(arn))}]`,
      reason:
        'execute-api:Invoke on one route of this API, named by method and path; the wildcards stand for the stage and ' +
        'the path parameters (tenant, image id), which no policy can enumerate. The tenant a caller acts for is ' +
        'decided by the functions from serviceCallers, not by the path.',
    });
  }
};

/**
 * The optional user pool (userPool=create) serves machine clients with the client-credentials grant.
 * The Plus plan's threat protection watches user sign-ins, and the pool has none (no sign-up; users
 * an operator adds must use MFA); the plan is paid per user.
 */
export const acknowledgeUserPoolFeaturePlan = (pool: IConstruct) => {
  Validations.of(pool).acknowledge({
    id: 'AwsSolutions-COG8',
    reason:
      "The pool issues client-credentials tokens to machine clients; the Plus plan's threat protection guards " +
      'user sign-ins, of which there are none (self sign-up is off, MFA is required). The Essentials plan serves it.',
  });
};

/**
 * Lambda's active tracing grants xray:PutTraceSegments and xray:PutTelemetryRecords, which take no
 * resource-level permissions: the statement's resource is `*`, on every function.
 */
export const acknowledgeTracingWildcard = (fn: IConstruct) => {
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Active tracing grants xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions ' +
      '(IAM accepts only "*"); they write trace data and read nothing.',
  });
};

/**
 * cdk-nag's Serverless pack asks every function for a dead-letter queue (DeadLetterConfig), which
 * only catches events of asynchronous invocations.
 */
const NO_DEAD_LETTER_QUEUE_BECAUSE = {
  api:
    'API Gateway invokes this function synchronously: a failure is answered to the caller at once, and a dead-letter queue ' +
    'would never receive anything. Its errors raise an alarm instead (infra/monitoring.ts).',
  destination:
    'This function is invoked asynchronously (EventBridge) and has an on-failure destination (SQS), which AWS recommends over ' +
    'a dead-letter queue: it keeps the event with the error and the invocation details, and raises an alarm.',
  schedule:
    'EventBridge Scheduler invokes this function (the daily sweep) with an empty event: a failed run has nothing to keep. ' +
    'Lambda runs it again twice, the next scheduled run does the whole work again, and its errors raise an alarm.',
} as const;

export const acknowledgeNoDeadLetterQueue = (fn: IConstruct, invokedBy: keyof typeof NO_DEAD_LETTER_QUEUE_BECAUSE) => {
  Validations.of(fn).acknowledge({ id: 'Serverless-LambdaDLQ', reason: NO_DEAD_LETTER_QUEUE_BECAUSE[invokedBy] });
};

/**
 * The role EventBridge Scheduler invokes the sweep with holds lambda:InvokeFunction on the
 * function and on `<function ARN>:*`: grantInvoke always adds its versions and aliases. Both name
 * that one function; acknowledged on that role alone.
 */
export const acknowledgeScheduledInvoke = (role: IConstruct, fn: IConstruct) => {
  const functionId = Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnElement);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
    reason:
      "lambda:InvokeFunction on the sweep function's versions and aliases (`<arn>:*`), which grantInvoke adds to the " +
      'function itself: the wildcard names no other function, and the role grants nothing else.',
  });
};
