import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { changeEventSettingsFromEnv, PUBLISHER_FUNCTION } from '../lib/events/change-events.ts';
import { eventBridgeSink } from '../lib/events/eventbridge-sink.ts';
import { publishChanges } from '../lib/events/publish-changes.ts';
import { instrument } from '../lib/instrument.ts';

const sink = eventBridgeSink(new EventBridgeClient({ maxAttempts: 3 }));
const settings = changeEventSettingsFromEnv();

/**
 * Target of the table's change stream, not an HTTP route: one EventBridge event per committed
 * change of an image (docs/events.md). No request waits for it, and none can lose it.
 */
export const handler = instrument(
  PUBLISHER_FUNCTION,
  (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => publishChanges(event.Records, sink, settings),
);
