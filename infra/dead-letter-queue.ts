import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * An SQS queue that keeps what could not be delivered or processed: 14 days (SQS's longest), so a
 * message outlives a long weekend; encrypted by SQS; reachable over TLS only. It is the end of the
 * line, so it has no dead-letter queue of its own. docs/operations.md says how to look into one.
 */
export const deadLetterQueue = (scope: Construct, id: string): Queue => {
  const queue = new Queue(scope, id, {
    retentionPeriod: Duration.days(14),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  const reason =
    'This queue is itself a dead-letter queue (of an EventBridge target, a Lambda destination or an SNS subscription): ' +
    'what lands here stays 14 days for an operator, an alarm fires on the first message, and a queue behind it would only move the problem.';
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason }, { id: 'Serverless-SQSRedrivePolicy', reason });
  return queue;
};
