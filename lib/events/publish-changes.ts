import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { log } from '../log.ts';
import { metrics } from '../metrics.ts';
import type { ChangeEventSettings } from './change-events.ts';
import type { EventSink } from './eventbridge-sink.ts';
import { changeEventsOf } from './stream-records.ts';

/**
 * Publishes the change events of a batch of stream records. When a delivery fails, the answer names
 * the record of the first event not delivered; Lambda (ReportBatchItemFailures) retries the batch
 * from there, so nothing is lost and order holds. Events before it that were delivered may be
 * delivered again: subscribers get each change at least once.
 */
export const publishChanges = async (records: readonly DynamoDBRecord[], sink: EventSink, settings: ChangeEventSettings): Promise<DynamoDBBatchResponse> => {
  const pending = changeEventsOf(records, settings);
  const accepted = pending.length === 0 ? 0 : await sink(pending.map((event) => event.entry));
  log.debug('image change events published', { records: records.length, events: pending.length, published: accepted });
  metrics.count('changeEventsPublished', accepted);
  if (accepted < pending.length) metrics.count('changeEventsNotPublished', pending.length - accepted);
  const firstFailed = pending[accepted];
  return { batchItemFailures: firstFailed ? [{ itemIdentifier: firstFailed.sequenceNumber }] : [] };
};
