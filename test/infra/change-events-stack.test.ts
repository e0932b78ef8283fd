import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImageRegistryStack, type ImageRegistryStackProps } from '../../infra/image-registry-stack.ts';
import { cdkJsonContext } from '../support/cdk-context.ts';
import { actionsOf, findFunction, type Resources } from '../support/stack-template.ts';

// Bundling is skipped: these tests look at the resources and their settings, not at the function code.
const synthesize = (props: Partial<ImageRegistryStackProps> = {}) => {
  const app = new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } });
  const stack = new ImageRegistryStack(app, 'Registry', {
    jwtIssuer: 'https://issuer.example.com/',
    jwtAudience: ['registry'],
    tenantClaim: 'tenant_id',
    env: { account: '123456789012', region: 'eu-west-1' },
    ...props,
  });
  return Template.fromStack(stack);
};

describe('change events in the stack', () => {
  let template: Template;
  let publisherId: string;
  beforeAll(() => {
    template = synthesize();
    [publisherId] = findFunction(template, 'publish-image-changes');
  });

  const only = (type: string, idPrefix = '') => {
    const found = Object.entries(template.findResources(type) as Resources).filter(([id]) => id.startsWith(idPrefix));
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  /** The change events' own queue; the AMI sync has two more (test/infra/guardrails.test.ts). */
  const deadLetters = () => only('AWS::SQS::Queue', 'ChangeEventsDeadLetters');

  it("turns the table's change stream on, with each item before and after the change", () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } });
  });

  it('feeds the stream to the publisher from its start, image records only, reporting failures per record and splitting a failing batch', () => {
    const [tableId] = only('AWS::DynamoDB::Table');
    const [queueId] = deadLetters();
    const [, mapping] = only('AWS::Lambda::EventSourceMapping');
    expect(mapping.Properties).toEqual({
      EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
      FunctionName: { Ref: publisherId },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRecordAgeInSeconds: 12 * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ dynamodb: { Keys: { SK: { S: [{ prefix: 'IMAGE#' }] } } } }) }] },
    });
    // No MaximumRetryAttempts: Lambda retries until the record is 12 hours old, then the dead-letter queue has it.
  });

  it('keeps what the publisher cannot deliver in an encrypted dead-letter queue for 14 days, reachable over TLS only, its URL an output', () => {
    const [queueId, queue] = deadLetters();
    expect(template.toJSON().Outputs.ChangeEventsDeadLetterQueueUrl).toMatchObject({ Value: { Ref: queueId } });
    expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Principal: { AWS: '*' } }),
        ]),
      },
    });
  });

  it('grants the publisher the stream, PutEvents on the default bus and the dead-letter queue, and nothing of the table', () => {
    expect(actionsOf(template, publisherId).sort()).toEqual(
      [
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'events:PutEvents',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{ Action: 'events:PutEvents', Effect: 'Allow', Resource: 'arn:aws:events:eu-west-1:123456789012:event-bus/default' }]),
      },
    });
  });

  it('tells the publisher the source image-registry and the default bus; its own timeout', () => {
    const [, fn] = findFunction(template, 'publish-image-changes');
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 30,
      Environment: { Variables: { EVENT_SOURCE: 'image-registry', EVENT_BUS_NAME: 'default' } },
    });
  });

  it("offers the stack's monitoring the publisher's iterator age and its dead-letter queue", () => {
    const app = new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } });
    const stack = new ImageRegistryStack(app, 'Watched', { jwtIssuer: 'https://issuer.example.com/', jwtAudience: ['registry'], tenantClaim: 'tenant_id' });
    const age = stack.changeEvents.iteratorAge();
    expect([age.namespace, age.metricName, age.statistic]).toEqual(['AWS/Lambda', 'IteratorAge', 'Maximum']);
    expect(stack.resolve(age.dimensions)).toEqual({ FunctionName: { Ref: stack.getLogicalId(stack.changeEvents.publisher.node.defaultChild as CfnFunction) } });
    expect(stack.resolve(stack.changeEvents.deadLetterQueue.queueArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ChangeEventsDeadLetters/), 'Arn'] });
  });

  it('routes no HTTP request to the publisher', () => {
    const integrations = Object.values(template.findResources('AWS::ApiGatewayV2::Integration') as Resources);
    expect(integrations.filter((integration) => JSON.stringify(integration.Properties.IntegrationUri).includes(publisherId))).toEqual([]);
  });

  it('takes the source and the bus from the settings (context eventSource, eventBusName), the bus by name or ARN', () => {
    for (const [eventBusName, busArn] of [
      ['registry-events', 'arn:aws:events:eu-west-1:123456789012:event-bus/registry-events'],
      ['arn:aws:events:eu-west-1:210987654321:event-bus/central', 'arn:aws:events:eu-west-1:210987654321:event-bus/central'],
    ] as const) {
      const custom = synthesize({ eventSource: 'com.example.images', eventBusName });
      const [id, fn] = findFunction(custom, 'publish-image-changes');
      expect(fn.Properties.Environment.Variables).toMatchObject({ EVENT_SOURCE: 'com.example.images', EVENT_BUS_NAME: eventBusName });
      expect(actionsOf(custom, id)).toContain('events:PutEvents');
      custom.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: Match.arrayWith([{ Action: 'events:PutEvents', Effect: 'Allow', Resource: busArn }]) },
      });
    }
  });

  it.each([
    [{ eventSource: 'aws.ec2' }, /eventSource 'aws.ec2' is not an event source/],
    [{ eventSource: 'has space' }, /eventSource 'has space' is not an event source/],
    [{ eventBusName: 'bus name?' }, /eventBusName 'bus name\?' is neither an event bus name/],
    [{ eventBusName: 'arn:aws:sqs:eu-west-1:123456789012:queue' }, /is neither an event bus name/],
  ])('refuses %j at synth, naming it', (props, message) => {
    expect(() => synthesize(props)).toThrow(message);
  });
});
