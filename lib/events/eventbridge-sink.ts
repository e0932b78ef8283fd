import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { log } from '../log.ts';

/** Delivers entries in their order; resolves with how many of them, from the first, were accepted. */
export type EventSink = (entries: readonly PutEventsRequestEntry[]) => Promise<number>;

/** PutEvents takes at most 10 entries and 256 KB of them per call. */
const MAX_ENTRIES = 10;
const MAX_BYTES = 256 * 1024;

/** An entry's size as EventBridge counts it: its source, detail-type, detail and resources in UTF-8, and 14 bytes of time. */
const entrySize = ({ Source = '', DetailType = '', Detail = '', Resources = [], Time }: PutEventsRequestEntry): number =>
  [Source, DetailType, Detail, ...Resources].reduce((sum, text) => sum + Buffer.byteLength(text), Time ? 14 : 0);

const batchesOf = (entries: readonly PutEventsRequestEntry[]) => {
  const batches: PutEventsRequestEntry[][] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    const last = batches.at(-1);
    if (last && last.length < MAX_ENTRIES && bytes + size <= MAX_BYTES) {
      last.push(entry);
      bytes += size;
    } else {
      batches.push([entry]);
      bytes = size;
    }
  }
  return batches;
};

/**
 * PutEvents, batch after batch, stopping at the first entry EventBridge does not take (a throttled
 * or failed call, after the SDK's retries, or an entry it refuses): what follows it must wait, so
 * that subscribers hear one image's changes in their order.
 */
export const eventBridgeSink =
  (client: EventBridgeClient): EventSink =>
  async (entries) => {
    let accepted = 0;
    for (const batch of batchesOf(entries)) {
      try {
        const output = await client.send(new PutEventsCommand({ Entries: batch }));
        const failed = (output.Entries ?? []).findIndex((result) => result.ErrorCode !== undefined || !result.EventId);
        if ((output.FailedEntryCount ?? 0) === 0 && failed === -1) {
          accepted += batch.length;
          continue;
        }
        const first = failed === -1 ? 0 : failed;
        log.warn('EventBridge refused a change event', { errorCode: output.Entries?.[first]?.ErrorCode, errorMessage: output.Entries?.[first]?.ErrorMessage });
        return accepted + first;
      } catch (error) {
        log.warn('EventBridge PutEvents failed', { error });
        return accepted;
      }
    }
    return accepted;
  };
