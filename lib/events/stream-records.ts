import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { log } from '../log.ts';
import { metrics } from '../metrics.ts';
import { isoSeconds } from '../registry/image.ts';
import type { ImageChange } from '../registry/image-change.ts';
import { imageChangeOf } from '../store/record-changes.ts';
import { type ChangeEventSettings, changeEventEntry } from './change-events.ts';

/** A change event to publish, and the stream record it came from (its sequence number, for a retry from there). */
export interface PendingEvent {
  readonly sequenceNumber: string;
  readonly entry: PutEventsRequestEntry;
}

type StreamImage = NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];

// The Lambda event's attribute values are DynamoDB's wire format, which is what unmarshall reads.
const itemOf = (image: StreamImage): Record<string, unknown> | undefined => (image ? unmarshall(image as Record<string, AttributeValue>) : undefined);

/**
 * When the change was made: the time the registry wrote on the record (what `updated` shows), or for
 * a removal, which leaves no record, the stream's time of it (to the second; DynamoDB Local rounds
 * it to the minute), or the time of the batch if the stream gave none.
 */
const timeOf = (change: ImageChange, streamSeconds: number | undefined): string => {
  if (change.kind !== 'unregistered') return change.image.updatedAt;
  return isoSeconds(streamSeconds === undefined ? new Date() : new Date(streamSeconds * 1000));
};

/**
 * The events of a batch of the table's stream records, in their order: one per committed change of
 * an image record, none for a tag entry (a tag change's record says it all).
 */
export const changeEventsOf = (records: readonly DynamoDBRecord[], settings: ChangeEventSettings): PendingEvent[] =>
  records.flatMap(({ eventName, dynamodb }) => {
    try {
      const change = imageChangeOf({ eventName, oldItem: itemOf(dynamodb?.OldImage), newItem: itemOf(dynamodb?.NewImage) });
      if (!change || !dynamodb?.SequenceNumber) return [];
      return [{ sequenceNumber: dynamodb.SequenceNumber, entry: changeEventEntry(change, timeOf(change, dynamodb.ApproximateCreationDateTime), settings) }];
    } catch (error) {
      // Reading a record does no I/O: what fails once fails every time. Retrying it would hold up
      // every later change of its shard for hours, so it is logged, as an error, counted, and passed over.
      metrics.count('changeRecordsUnreadable');
      log.error('a stream record is not an image change this publisher can read; passed over', {
        sequenceNumber: dynamodb?.SequenceNumber,
        keys: dynamodb?.Keys,
        error,
      });
      return [];
    }
  });
