import { type Stack, Validations } from 'aws-cdk-lib';
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

/** The findings on the change events' publisher and its dead-letter queue (infra/image-change-events.ts). */
export const acknowledgeChangeEventFindings = ({ publisher, deadLetterQueue }: { publisher: IConstruct; deadLetterQueue: IConstruct }) => {
  Validations.of(publisher).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'dynamodb:ListStreams supports no resource-level permissions: IAM accepts only "*" for it. The event source ' +
      "mapping's grant adds it next to DescribeStream, GetShardIterator and GetRecords, which name the table's stream.",
  });
  Validations.of(deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is itself a dead-letter queue: the on-failure destination of the change publisher's stream event " +
      'source mapping. A dead-letter queue of its own would have nothing to catch.',
  });
};
