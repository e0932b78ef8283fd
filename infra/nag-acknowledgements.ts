import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag (AwsSolutions) findings the stack accepts on purpose, each with its reason. Everything
 * else cdk-nag reports fails `cdk synth` (infra/app.ts) and the infra tests.
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
