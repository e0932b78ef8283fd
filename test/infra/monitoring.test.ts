import { describe, expect, it } from 'vitest';
import { DEFAULT_OPERATIONS_SETTINGS } from '../../infra/operations-settings.ts';
import { metricDefinitions } from '../../lib/metric-names.ts';
import { operations } from '../../lib/routes.ts';
import { operationsStack, type Resource } from '../support/operations-stack.ts';

const HTTP_FUNCTIONS = [...operations.map(({ name }) => name), 'route-not-found'];
const ALL_FUNCTIONS = [...HTTP_FUNCTIONS, 'sync-ami-state', 'sweep-ami-records', 'publish-image-changes'];
const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_m, _d, letter: string) => letter.toUpperCase());

const alarmsOf = (resources: (type: string) => Record<string, Resource>) =>
  new Map(Object.values(resources('AWS::CloudWatch::Alarm')).map((alarm) => [alarm.Properties.AlarmName.replace(/^Registry-/, ''), alarm.Properties]));

const functionIdOf = (resources: (type: string) => Record<string, Resource>, name: string) => {
  const ids = Object.keys(resources('AWS::Lambda::Function')).filter((id) => id.startsWith(pascal(name)) && !id.startsWith(`${pascal(name)}Logs`));
  expect(ids, name).toHaveLength(1);
  return ids[0]!;
};

describe('alarms', () => {
  const { resources } = operationsStack();
  const alarms = alarmsOf(resources);
  const [topicId] = Object.keys(resources('AWS::SNS::Topic'));

  it('are the API 5xx rate and p99 latency, each function errors and throttles, DynamoDB throttles and system errors, each dead-letter queue, and AMI sync failures', () => {
    expect([...alarms.keys()].sort()).toEqual(
      [
        'api-5xx-rate',
        'api-latency-p99',
        // The service API (IAM-signed callers) is watched as the users' API is.
        'service-api-5xx-rate',
        'service-api-latency-p99',
        ...HTTP_FUNCTIONS.flatMap((name) => [`${name}-errors`, `${name}-throttles`]),
        // The sync's errors are its own alarm, with its unreadable events.
        'sync-ami-state-throttles',
        'ami-sync-failures',
        // The daily sweep: a failed run (records it could not check, a fault of ours) is an error.
        'sweep-ami-records-errors',
        'sweep-ami-records-throttles',
        'dynamodb-throttles',
        'dynamodb-system-errors',
        'ami-state-change-delivery-dead-letters',
        'ami-sync-failed-events-dead-letters',
        // The change events: their publisher like any function, its dead letters, its delay, what it could not read.
        'publish-image-changes-errors',
        'publish-image-changes-throttles',
        'change-events-dead-letters',
        'change-events-delay',
        'change-events-unreadable',
      ].sort(),
    );
  });

  it('fire when the change events run behind the table, and on a stream record the publisher passed over', () => {
    const publisher = { Ref: functionIdOf(resources, 'publish-image-changes') };
    expect(alarms.get('change-events-delay')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'FunctionName', Value: publisher }],
      Threshold: DEFAULT_OPERATIONS_SETTINGS.alarms.changeEventsDelaySeconds * 1000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
    const unreadable = alarms.get('change-events-unreadable')!;
    expect(unreadable.Threshold).toBe(1);
    expect(unreadable.Metrics[0].MetricStat.Metric).toEqual({
      Namespace: 'ImageRegistry',
      MetricName: metricDefinitions.changeRecordsUnreadable.name,
      Dimensions: [{ Name: 'Operation', Value: 'publish-image-changes' }],
    });
    expect(alarms.get('change-events-dead-letters')!.Metrics[0].MetricStat.Metric).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
    });
    expect(alarms.get('publish-image-changes-errors')).toMatchObject({ MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: publisher }] });
  });

  it('all notify the one SNS topic when they fire and when they recover', () => {
    expect(Object.keys(resources('AWS::SNS::Topic'))).toHaveLength(1);
    for (const [name, alarm] of alarms) {
      expect(alarm.AlarmActions, name).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions, name).toEqual([{ Ref: topicId }]);
      expect(alarm.TreatMissingData, name).toBe('notBreaching');
      expect(alarm.AlarmDescription, name).toContain(`docs/operations.md, "${name}"`);
    }
  });

  it('lets CloudWatch alarms of this account publish to the topic, over TLS only', () => {
    const [policy] = Object.values(resources('AWS::SNS::TopicPolicy'));
    const statements = policy!.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' }, Condition: expect.any(Object) }),
    );
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('watch the metrics they are named for, at the default thresholds', () => {
    const { alarms: thresholds } = DEFAULT_OPERATIONS_SETTINGS;
    const api5xx = alarms.get('api-5xx-rate')!;
    expect(api5xx).toMatchObject({
      Threshold: thresholds.api5xxPercent,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
    expect(api5xx.Metrics.find((metric: { Expression?: string }) => metric.Expression)).toMatchObject({ Expression: '100 * FILL(errors, 0) / requests' });
    expect(
      api5xx.Metrics.map((metric: any) => metric.MetricStat?.Metric.MetricName)
        .filter(Boolean)
        .sort(),
    ).toEqual(['5xx', 'Count']);
    expect(alarms.get('api-latency-p99')).toMatchObject({ MetricName: 'Latency', Namespace: 'AWS/ApiGateway', ExtendedStatistic: 'p99', Threshold: 2000 });
    for (const name of HTTP_FUNCTIONS) {
      const functionRef = { Ref: functionIdOf(resources, name) };
      expect(alarms.get(`${name}-errors`)).toMatchObject({ MetricName: 'Errors', Namespace: 'AWS/Lambda', Threshold: thresholds.lambdaErrors });
      expect(alarms.get(`${name}-errors`)!.Dimensions).toEqual([{ Name: 'FunctionName', Value: functionRef }]);
      expect(alarms.get(`${name}-throttles`)).toMatchObject({ MetricName: 'Throttles', Threshold: thresholds.lambdaThrottles });
    }
    const throttled = alarms.get('dynamodb-throttles')!;
    expect(throttled.Threshold).toBe(thresholds.dynamoDbThrottledRequests);
    expect(new Set(throttled.Metrics.map((metric: any) => metric.MetricStat?.Metric.MetricName).filter(Boolean))).toEqual(new Set(['ThrottledRequests']));
    expect(alarms.get('dynamodb-system-errors')!.Metrics.some((metric: any) => metric.MetricStat?.Metric.MetricName === 'SystemErrors')).toBe(true);
    for (const queue of ['ami-state-change-delivery', 'ami-sync-failed-events']) {
      const alarm = alarms.get(`${queue}-dead-letters`)!;
      expect(alarm.Threshold).toBe(1);
      expect(alarm.Metrics[0].MetricStat.Metric).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible' });
    }
  });

  it('fire on a failed AMI sync and on an event the sync cannot read', () => {
    const alarm = alarms.get('ami-sync-failures')!;
    expect(alarm.Threshold).toBe(1);
    const watched = alarm.Metrics.filter((metric: any) => metric.MetricStat).map((metric: any) => metric.MetricStat.Metric);
    expect(watched).toContainEqual(expect.objectContaining({ Namespace: 'AWS/Lambda', MetricName: 'Errors' }));
    expect(watched).toContainEqual({
      Namespace: 'ImageRegistry',
      MetricName: metricDefinitions.amiEventsUnreadable.name,
      Dimensions: [{ Name: 'Operation', Value: 'sync-ami-state' }],
    });
  });

  it('take their thresholds from context', () => {
    const custom = alarmsOf(
      operationsStack({
        alarmApi5xxPercent: '2.5',
        alarmApiLatencyP99Ms: 1500,
        alarmLambdaErrors: '3',
        alarmLambdaThrottles: '4',
        alarmDynamoDbThrottledRequests: '25',
        alarmDynamoDbSystemErrors: '2',
        alarmChangeEventsDelaySeconds: '120',
      }).resources,
    );
    expect(custom.get('change-events-delay')!.Threshold).toBe(120_000);
    expect(custom.get('api-5xx-rate')!.Threshold).toBe(2.5);
    expect(custom.get('api-latency-p99')!.Threshold).toBe(1500);
    expect(custom.get('list-images-errors')!.Threshold).toBe(3);
    expect(custom.get('tag-image-throttles')!.Threshold).toBe(4);
    expect(custom.get('dynamodb-throttles')!.Threshold).toBe(25);
    expect(custom.get('dynamodb-system-errors')!.Threshold).toBe(2);
  });

  it('refuse a threshold that is not a number, naming the key', () => {
    expect(() => operationsStack({ alarmApiLatencyP99Ms: 'fast' })).toThrow("Context 'alarmApiLatencyP99Ms': 'fast' is not a number of at least 0");
  });

  it('e-mail the alarmEmail address, whose undeliverable notifications wait in a dead-letter queue of their own', () => {
    expect(Object.keys(resources('AWS::SNS::Subscription'))).toHaveLength(0);
    const withEmail = operationsStack({ alarmEmail: 'ops@example.com' });
    const [subscription] = Object.values(withEmail.resources('AWS::SNS::Subscription'));
    expect(subscription!.Properties).toMatchObject({
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      RedrivePolicy: { deadLetterTargetArn: expect.any(Object) },
    });
    expect(alarmsOf(withEmail.resources).has('alarm-email-dead-letters')).toBe(true);
    expect(() => operationsStack({ alarmEmail: 'ops at example.com' })).toThrow("Context 'alarmEmail'");
  });
});

describe('dashboard', () => {
  const { resources } = operationsStack({ metricsNamespace: 'ImageRegistry/staging' });
  const dashboards = Object.values(resources('AWS::CloudWatch::Dashboard'));
  const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);

  it('is one dashboard, with the widgets an operator looks at first', () => {
    expect(dashboards).toHaveLength(1);
    for (const title of [
      'Alarms',
      'API: requests',
      'API: 4xx and 5xx answers',
      'API: latency p50 / p99 (ms)',
      'Requests by operation',
      '4xx by operation',
      '5xx by operation',
      'Latency p50 by operation (ms, function duration)',
      'Latency p99 by operation (ms, function duration)',
      '4xx by error name',
      '5xx by error name',
      'Cold starts by operation',
      'Function errors and throttles',
      'DynamoDB: consumed capacity units',
      'DynamoDB: throttled requests',
      'DynamoDB: errors',
      'Write conflicts (each retried) and changes that gave up',
      'Image catalog: lookups and failures',
      'Image catalog: lookup latency p50 / p99 (ms)',
      'AMI sync: events and outcomes',
      'Dead-letter queues: messages waiting',
    ]) {
      expect(body, title).toContain(`\\"title\\":\\"${title}\\"`);
    }
  });

  it("graphs the functions' own metrics from the configured namespace, by operation and by error name", () => {
    for (const key of ['requests', 'clientErrors', 'serverErrors', 'coldStarts', 'writeConflicts', 'catalogLookups', 'dynamoDbThrottles'] as const) {
      expect(body).toContain(`{\\\\\\"ImageRegistry/staging\\\\\\",Operation} MetricName=\\\\\\"${metricDefinitions[key].name}\\\\\\"`);
    }
    expect(body).toContain(`{\\\\\\"ImageRegistry/staging\\\\\\",ErrorName} MetricName=\\\\\\"ClientErrors\\\\\\"`);
  });

  it('shows every function, every alarm and every dead-letter queue', () => {
    for (const name of ALL_FUNCTIONS) expect(body, name).toContain(`{"Ref":"${functionIdOf(resources, name)}"}`);
    for (const alarmId of Object.keys(resources('AWS::CloudWatch::Alarm'))) expect(body).toContain(`{"Fn::GetAtt":["${alarmId}","Arn"]}`);
    for (const queueId of Object.keys(resources('AWS::SQS::Queue'))) expect(body).toContain(`{"Fn::GetAtt":["${queueId}","QueueName"]}`);
  });
});

describe('functions and logs', () => {
  const { resources } = operationsStack({ metricsNamespace: 'ImageRegistry/staging' });
  const functions = Object.values(resources('AWS::Lambda::Function'));

  it('traces every function actively, with the metrics namespace in its environment', () => {
    expect(functions).toHaveLength(ALL_FUNCTIONS.length);
    for (const fn of functions) {
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Environment.Variables.METRICS_NAMESPACE).toBe('ImageRegistry/staging');
    }
  });

  it('keeps every log group 90 days by default, and keeps it when the stack is deleted', () => {
    const logGroups = Object.entries(resources('AWS::Logs::LogGroup'));
    // One per function, and each API's access log (the users' API and the service API).
    expect(logGroups).toHaveLength(ALL_FUNCTIONS.length + 2);
    for (const [id, group] of logGroups) {
      expect(group.Properties.RetentionInDays, id).toBe(90);
      expect(group.DeletionPolicy, id).toBe('Retain');
    }
    for (const fn of functions) expect(logGroups.map(([id]) => id)).toContain(fn.Properties.LoggingConfig.LogGroup.Ref);
  });

  it('takes the retention from context, and refuses one CloudWatch does not offer', () => {
    for (const group of Object.values(operationsStack({ logRetentionDays: '365' }).resources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(365);
    }
    expect(() => operationsStack({ logRetentionDays: 100 })).toThrow("Context 'logRetentionDays': 100 is not one of 1, 3, 5, 7, 14, 30, 60, 90");
  });

  it('logs each API request with the caller and the tenant, and the Lambda request id that leads to the function logs', () => {
    const [stage] = Object.values(resources('AWS::ApiGatewayV2::Stage'));
    expect(JSON.parse(stage!.Properties.AccessLogSettings.Format)).toMatchObject({
      requestId: '$context.requestId',
      lambdaRequestId: '$context.integration.requestId',
      sub: '$context.authorizer.claims.sub',
      clientId: '$context.authorizer.claims.client_id',
      iamCaller: '$context.identity.userArn',
      tenant: '$context.authorizer.claims.tenant_id',
      status: '$context.status',
      latency: '$context.responseLatency',
      error: '$context.error.message',
    });
  });
});
