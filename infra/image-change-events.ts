import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_EVENT_SOURCE } from '../lib/events/change-events.ts';
import { keyNames, keys } from '../lib/store/keys.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { acknowledgeChangeEventFindings } from './nag-acknowledgements.ts';

export interface ImageChangeEventsProps {
  /** The registry's table, with its change stream on. */
  readonly table: ITable;
  /** functions/publish-image-changes.ts, built as the stack builds every function. */
  readonly publisher: NodejsFunction;
  /** The events' `source`; default `image-registry`. */
  readonly eventSource?: string | undefined;
  /** The bus to publish to, by name or ARN; default the account's default bus. */
  readonly eventBusName?: string | undefined;
}

/**
 * The stream's records are kept 24 hours. A change the publisher could not deliver for 12 of them
 * goes to the dead-letter queue as a pointer to its records (shard and sequence numbers), which
 * leaves 12 hours to publish them again from the stream before DynamoDB drops them.
 */
const MAX_RECORD_AGE = Duration.hours(12);

/** EventBridge reserves `aws.` sources for AWS; a bus is named by letters, digits and . - _ / or an ARN. */
const EVENT_SOURCE = /^(?!aws\.)[\x21-\x7e]{1,256}$/;
const EVENT_BUS_NAME = /^(?:[/.\-_A-Za-z0-9]{1,256}|arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[/.\-_A-Za-z0-9]{1,256})$/;

const checkEventSettings = ({ eventSource, eventBusName }: Pick<ImageChangeEventsProps, 'eventSource' | 'eventBusName'>) => {
  if (eventSource !== undefined && !EVENT_SOURCE.test(eventSource)) {
    throw new Error(`eventSource '${eventSource}' is not an event source: 1-256 printable characters, not starting with 'aws.' (AWS's own)`);
  }
  if (eventBusName !== undefined && !EVENT_BUS_NAME.test(eventBusName)) {
    throw new Error(`eventBusName '${eventBusName}' is neither an event bus name (letters, digits, . - _ /) nor an event bus ARN`);
  }
};

/**
 * Change events on EventBridge, published from the table's change stream so that no request pays
 * for them or can lose them: the stream feeds the publisher function through an event source
 * mapping that passes on image records only (a tag change's entries say nothing its record does
 * not), retries a failed batch from the first event not delivered, splits a batch that keeps
 * failing to find the record at fault, and sends what it still cannot deliver after 12 hours to a
 * dead-letter queue. docs/events.md describes the events.
 */
export class ImageChangeEvents extends Construct {
  readonly publisher: NodejsFunction;
  readonly deadLetterQueue: Queue;
  readonly eventBus: IEventBus;

  /**
   * How far behind the table the events are: the age of the last record the publisher read. It
   * grows while EventBridge refuses events or the publisher fails (the stream waits for them); past
   * 12 hours records go to the dead-letter queue. For the stack's monitoring, next to the queue's depth.
   */
  iteratorAge(): Metric {
    return this.publisher.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) });
  }

  constructor(scope: Construct, id: string, { table, publisher, eventSource, eventBusName }: ImageChangeEventsProps) {
    super(scope, id);
    checkEventSettings({ eventSource, eventBusName });
    this.publisher = publisher;
    this.eventBus =
      eventBusName === undefined
        ? EventBus.fromEventBusName(this, 'Bus', 'default')
        : eventBusName.startsWith('arn:')
          ? EventBus.fromEventBusArn(this, 'Bus', eventBusName)
          : EventBus.fromEventBusName(this, 'Bus', eventBusName);
    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetters');

    publisher.addEnvironment('EVENT_SOURCE', eventSource ?? DEFAULT_EVENT_SOURCE);
    publisher.addEnvironment('EVENT_BUS_NAME', eventBusName ?? 'default');
    this.eventBus.grantPutEventsTo(publisher);
    publisher.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        maxRecordAge: MAX_RECORD_AGE,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [FilterCriteria.filter({ dynamodb: { Keys: { [keyNames.SK]: { S: FilterRule.beginsWith(keys.imageSortKeyPrefix) } } } })],
      }),
    );
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: this.deadLetterQueue.queueUrl,
      description: 'Change events not published within 12 hours: pointers to their stream records (docs/events.md)',
    }).overrideLogicalId('ChangeEventsDeadLetterQueueUrl');
    acknowledgeChangeEventFindings(this);
  }
}
