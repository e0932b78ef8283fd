import { Aws, CfnOutput, Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type Table, Operation as TableOperation } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PUBLISHER_FUNCTION } from '../lib/events/change-events.ts';
import { type MetricKey, metricDefinitions, metricDimensions } from '../lib/metric-names.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import type { AlarmThresholds } from './operations-settings.ts';

export interface MonitoringProps {
  /** The functions' METRICS_NAMESPACE. */
  readonly namespace: string;
  readonly alarms: AlarmThresholds;
  /** Subscribed to the alarm topic. */
  readonly alarmEmail?: string | undefined;
}

/** The DynamoDB operations the functions call: the ones whose throttles and errors count. */
const TABLE_OPERATIONS = [
  TableOperation.GET_ITEM,
  TableOperation.BATCH_GET_ITEM,
  TableOperation.QUERY,
  TableOperation.PUT_ITEM,
  TableOperation.UPDATE_ITEM,
  TableOperation.DELETE_ITEM,
  TableOperation.TRANSACT_WRITE_ITEMS,
];

const FIVE_MINUTES = Duration.minutes(5);
const ONE_MINUTE = Duration.minutes(1);
const graph = (title: string, props: Partial<ConstructorParameters<typeof GraphWidget>[0]> = {}) => new GraphWidget({ title, width: 8, height: 6, ...props });

/**
 * What an operator sees and hears: one SNS topic for every alarm (and an e-mail subscription when
 * asked), and one dashboard. Each part of the stack is added with one call (watchApi,
 * watchFunction, watchTable, watchDeadLetters, watchAmiSync), which adds its widgets and alarms.
 * What each widget and alarm means, and what to do when one fires: docs/operations.md.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];
  private readonly props: MonitoringProps;
  private readonly widgets = {
    apiRequests: graph('API: requests'),
    apiErrors: graph('API: 4xx and 5xx answers'),
    apiLatency: graph('API: latency p50 / p99 (ms)'),
    latencyP50: graph('Latency p50 by operation (ms, function duration)'),
    latencyP99: graph('Latency p99 by operation (ms, function duration)'),
    lambdaFailures: graph('Function errors and throttles'),
    concurrency: graph('Concurrent executions by function'),
    tableCapacity: graph('DynamoDB: consumed capacity units'),
    tableThrottles: graph('DynamoDB: throttled requests'),
    tableErrors: graph('DynamoDB: errors'),
  };
  private deadLetters?: GraphWidget;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.props = props;
    const stack = Stack.of(this);

    this.topic = new Topic(this, 'AlarmTopic', { displayName: `${stack.stackName} alarms`, enforceSSL: true });
    // The topic's policy (TLS only) replaces SNS's default one: CloudWatch alarms of this account may publish.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }),
    );
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed key would cost ' +
        'a monthly fee to protect messages that carry alarm names, states and thresholds only, no tenant data. The topic takes TLS only.',
    });
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: Fn.join('-', [stack.stackName, Aws.REGION]),
      defaultInterval: Duration.hours(3),
    });
    const search = (key: MetricKey, statistic = 'Sum', dimension: string = metricDimensions.operation) => this.search(key, statistic, dimension);
    const total = (key: MetricKey, label: string) => new MathExpression({ expression: `SUM(${search(key).expression})`, label, period: FIVE_MINUTES });
    this.dashboard.addWidgets(
      new TextWidget({
        width: 24,
        height: 2,
        markdown: [
          `# Image registry: ${stack.stackName}`,
          `What each widget and alarm means, and what to do when an alarm fires: \`docs/operations.md\` in the repository. Metrics namespace \`${props.namespace}\`; times are UTC.`,
        ].join('\n'),
      }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', width: 24, height: 4, alarms: this.alarms }));
    this.dashboard.addWidgets(this.widgets.apiRequests, this.widgets.apiErrors, this.widgets.apiLatency);
    this.dashboard.addWidgets(
      graph('Requests by operation', { left: [search('requests')] }),
      graph('4xx by operation', { left: [search('clientErrors')] }),
      graph('5xx by operation', { left: [search('serverErrors')] }),
    );
    this.dashboard.addWidgets(this.widgets.latencyP50, this.widgets.latencyP99, graph('Cold starts by operation', { left: [search('coldStarts')] }));
    this.dashboard.addWidgets(
      graph('4xx by error name', { left: [search('clientErrors', 'Sum', metricDimensions.errorName)] }),
      graph('5xx by error name', { left: [search('serverErrors', 'Sum', metricDimensions.errorName)] }),
      this.widgets.lambdaFailures,
    );
    this.dashboard.addWidgets(this.widgets.tableCapacity, this.widgets.tableThrottles, this.widgets.tableErrors);
    this.dashboard.addWidgets(
      graph('Write conflicts (each retried) and changes that gave up', {
        left: [total('writeConflicts', 'write conflicts'), total('writeRetriesExhausted', 'gave up after 40 attempts (503)')],
      }),
      graph('Image catalog: lookups and failures', { left: [total('catalogLookups', 'lookups'), total('catalogFailures', 'failures (503)')] }),
      graph('Image catalog: lookup latency p50 / p99 (ms)', { left: [search('catalogLatency', 'p50')], right: [search('catalogLatency', 'p99')] }),
    );
    this.dashboard.addWidgets(this.widgets.concurrency);

    if (props.alarmEmail) {
      const undelivered = deadLetterQueue(this, 'AlarmEmailDeadLetters');
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail, { deadLetterQueue: undelivered }));
      this.watchDeadLetters(undelivered, 'alarm-email');
    }

    new CfnOutput(stack, 'AlarmTopicArn', {
      value: this.topic.topicArn,
      description: 'Every alarm notifies this SNS topic (subscribe with -c alarmEmail=...)',
    });
    new CfnOutput(stack, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${this.dashboard.dashboardName}`,
    });
  }

  /** One API's requests, errors and latency, and its alarms: the 5xx rate and the p99 latency. */
  watchApi(api: HttpApi, name = 'api') {
    const { alarms } = this.props;
    const requests = api.metricCount({ statistic: 'Sum', period: ONE_MINUTE, label: `${name} requests` });
    const serverErrors = api.metricServerError({ statistic: 'Sum', period: ONE_MINUTE, label: `${name} 5xx` });
    this.widgets.apiRequests.addLeftMetric(requests.with({ period: FIVE_MINUTES }));
    this.widgets.apiErrors.addLeftMetric(api.metricClientError({ statistic: 'Sum', period: FIVE_MINUTES, label: `${name} 4xx` }));
    this.widgets.apiErrors.addLeftMetric(serverErrors.with({ period: FIVE_MINUTES }));
    this.widgets.apiLatency.addLeftMetric(api.metricLatency({ statistic: 'p50', period: FIVE_MINUTES, label: `${name} p50` }));
    this.widgets.apiLatency.addLeftMetric(api.metricLatency({ statistic: 'p99', period: FIVE_MINUTES, label: `${name} p99` }));
    this.alarm(`${name}-5xx-rate`, {
      description: `More than ${alarms.api5xxPercent}% of the API's answers were 5xx in 3 of the last 5 minutes.`,
      metric: new MathExpression({ expression: '100 * FILL(errors, 0) / requests', usingMetrics: { errors: serverErrors, requests }, period: ONE_MINUTE }),
      threshold: alarms.api5xxPercent,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });
    this.alarm(`${name}-latency-p99`, {
      description: `The API's p99 latency was over ${alarms.apiLatencyP99Ms} ms in 3 of the last 5 minutes.`,
      metric: api.metricLatency({ statistic: 'p99', period: ONE_MINUTE }),
      threshold: alarms.apiLatencyP99Ms,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });
  }

  /** One function: its latency, errors, throttles and concurrency on the dashboard; alarms on its errors and throttles. */
  watchFunction(fn: IFunction, operation: string, { alarmOnErrors = true } = {}) {
    const { alarms } = this.props;
    this.widgets.latencyP50.addLeftMetric(fn.metricDuration({ statistic: 'p50', period: FIVE_MINUTES, label: operation }));
    this.widgets.latencyP99.addLeftMetric(fn.metricDuration({ statistic: 'p99', period: FIVE_MINUTES, label: operation }));
    this.widgets.lambdaFailures.addLeftMetric(fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES, label: `${operation} errors` }));
    this.widgets.lambdaFailures.addLeftMetric(fn.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES, label: `${operation} throttles` }));
    this.widgets.concurrency.addLeftMetric(fn.metric('ConcurrentExecutions', { statistic: 'Maximum', period: FIVE_MINUTES, label: operation }));
    if (alarmOnErrors) {
      this.alarm(`${operation}-errors`, {
        description: `The function ${operation} failed (crashed, timed out or ran out of memory) ${alarms.lambdaErrors} or more times in 5 minutes.`,
        metric: fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
        threshold: alarms.lambdaErrors,
      });
    }
    this.alarm(`${operation}-throttles`, {
      description: `Lambda refused to run ${operation} ${alarms.lambdaThrottles} or more times in 5 minutes (concurrency limit).`,
      metric: fn.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES }),
      threshold: alarms.lambdaThrottles,
    });
  }

  /** The table: capacity, throttles and errors (DynamoDB's, and those left after the SDK's retries); alarms on throttles and system errors. */
  watchTable(table: Table) {
    const { alarms } = this.props;
    const operations = { operations: TABLE_OPERATIONS, period: FIVE_MINUTES };
    const throttled = table.metricThrottledRequestsForOperations({ ...operations, label: 'throttled requests (DynamoDB)' });
    const systemErrors = table.metricSystemErrorsForOperations({ ...operations, label: 'system errors (DynamoDB)' });
    this.widgets.tableCapacity.addLeftMetric(table.metricConsumedReadCapacityUnits({ statistic: 'Sum', period: FIVE_MINUTES, label: 'read units' }));
    this.widgets.tableCapacity.addLeftMetric(table.metricConsumedWriteCapacityUnits({ statistic: 'Sum', period: FIVE_MINUTES, label: 'write units' }));
    const leftAfterRetries = (key: MetricKey, label: string) =>
      new MathExpression({ expression: `SUM(${this.search(key, 'Sum').expression})`, label, period: FIVE_MINUTES });
    this.widgets.tableThrottles.addLeftMetric(throttled);
    this.widgets.tableThrottles.addLeftMetric(leftAfterRetries('dynamoDbThrottles', 'still throttled after the SDK retries (503)'));
    this.widgets.tableErrors.addLeftMetric(systemErrors);
    this.widgets.tableErrors.addLeftMetric(leftAfterRetries('dynamoDbFailures', 'still failing after the SDK retries (503)'));
    this.alarm('dynamodb-throttles', {
      description: `DynamoDB throttled ${alarms.dynamoDbThrottledRequests} or more requests in 5 minutes.`,
      metric: throttled,
      threshold: alarms.dynamoDbThrottledRequests,
    });
    this.alarm('dynamodb-system-errors', {
      description: `DynamoDB answered ${alarms.dynamoDbSystemErrors} or more requests with a 5xx in 5 minutes.`,
      metric: systemErrors,
      threshold: alarms.dynamoDbSystemErrors,
    });
  }

  /** A dead-letter queue: its depth on the dashboard, and an alarm on its first message. */
  watchDeadLetters(queue: IQueue, name: string) {
    if (!this.deadLetters) {
      this.deadLetters = graph('Dead-letter queues: messages waiting', { width: 12 });
      this.dashboard.addWidgets(this.deadLetters);
    }
    const depth = queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: ONE_MINUTE, label: name });
    this.deadLetters.addLeftMetric(depth.with({ period: FIVE_MINUTES }));
    this.alarm(`${name}-dead-letters`, {
      description: `A message is waiting in the dead-letter queue ${name}: something was not delivered or not processed.`,
      metric: depth,
      threshold: 1,
    });
  }

  /** The AMI state sync: the function, its outcomes, and one alarm on any failed or unreadable event (instead of its errors alarm). */
  watchAmiSync(fn: IFunction, operation = 'sync-ami-state') {
    this.watchFunction(fn, operation, { alarmOnErrors: false });
    const sync = (key: MetricKey, label: string) => this.operationSum(operation, key, label);
    this.dashboard.addWidgets(
      graph('AMI sync: events and outcomes', {
        width: 12,
        left: [
          sync('events', 'events'),
          sync('amiRecordsChanged', 'records changed'),
          sync('eventFailures', 'failed (retried by Lambda)'),
          sync('amiEventsUnreadable', 'unreadable (dropped)'),
        ],
      }),
    );
    this.alarm('ami-sync-failures', {
      description: 'The AMI state sync failed on an event (Lambda retries it, then keeps it in the dead-letter queue) or could not read one.',
      metric: new MathExpression({
        expression: 'FILL(errors, 0) + FILL(unreadable, 0)',
        usingMetrics: { errors: fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }), unreadable: sync('amiEventsUnreadable', 'unreadable') },
        period: FIVE_MINUTES,
      }),
      threshold: 1,
    });
  }

  /**
   * The change events (infra/image-change-events.ts): the publisher as a function, its dead letters,
   * what it published, and alarms on how far behind the table it runs and on records it cannot read.
   */
  watchChangeEvents(events: { publisher: IFunction; deadLetterQueue: IQueue; iteratorAge(): Metric }, operation = PUBLISHER_FUNCTION) {
    const { alarms } = this.props;
    this.watchFunction(events.publisher, operation);
    this.watchDeadLetters(events.deadLetterQueue, 'change-events');
    const count = (key: MetricKey, label: string) => this.operationSum(operation, key, label);
    this.dashboard.addWidgets(
      graph('Change events: published, retried, unreadable', {
        width: 12,
        left: [
          count('changeEventsPublished', 'published'),
          count('changeEventsNotPublished', 'not taken by EventBridge (retried)'),
          count('changeRecordsUnreadable', 'records passed over'),
        ],
        right: [events.iteratorAge().with({ period: FIVE_MINUTES, label: 'behind the table (ms)' })],
      }),
    );
    this.alarm('change-events-delay', {
      description: `The change events ran more than ${alarms.changeEventsDelaySeconds} s behind the table in 3 of the last 5 minutes (EventBridge refusing them, or the publisher failing).`,
      metric: events.iteratorAge(),
      threshold: alarms.changeEventsDelaySeconds * 1000,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });
    this.alarm('change-events-unreadable', {
      description: 'The change publisher passed over a stream record it could not read: that change was not published.',
      metric: count('changeRecordsUnreadable', 'records passed over'),
      threshold: 1,
    });
  }

  /** One operation's five-minute sum of a metric the functions write. */
  private operationSum(operation: string, key: MetricKey, label: string) {
    return new Metric({
      namespace: this.props.namespace,
      metricName: metricDefinitions[key].name,
      dimensionsMap: { [metricDimensions.operation]: operation },
      statistic: 'Sum',
      period: FIVE_MINUTES,
      label,
    });
  }

  /** Every metric of one name the functions wrote, one line per dimension value (operation or error name). */
  private search(key: MetricKey, statistic: string, dimension: string = metricDimensions.operation) {
    const { name } = metricDefinitions[key];
    return new MathExpression({
      expression: `SEARCH('{"${this.props.namespace}",${dimension}} MetricName="${name}"', '${statistic}', 300)`,
      label: '',
      period: FIVE_MINUTES,
    });
  }

  private alarm(
    name: string,
    props: {
      description: string;
      metric: IMetric;
      threshold: number;
      comparisonOperator?: ComparisonOperator;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
    },
  ) {
    const { description, ...rest } = props;
    const alarm = new Alarm(this, `${pascalCase(name)}Alarm`, {
      alarmName: `${Stack.of(this).stackName}-${name}`,
      alarmDescription: `${description} What to do: docs/operations.md, "${name}".`,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      ...rest,
    });
    const notify = new SnsAction(this.topic);
    alarm.addAlarmAction(notify);
    alarm.addOkAction(notify);
    this.alarms.push(alarm);
  }
}

const pascalCase = (name: string) => name.replace(/(^|-)(\w)/g, (_match, _dash, letter: string) => letter.toUpperCase());
