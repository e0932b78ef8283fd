import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { eventBridgeSink } from '../../lib/events/eventbridge-sink.ts';

const eventBridge = mockClient(EventBridgeClient);
afterEach(() => eventBridge.reset());

const entry = (detailBytes: number, n: number): PutEventsRequestEntry => ({
  Source: 'image-registry',
  DetailType: 'Image Tags Changed',
  Detail: JSON.stringify({ n, padding: 'x'.repeat(detailBytes) }),
  Time: new Date('2026-11-27T10:00:00Z'),
  EventBusName: 'default',
});

describe('the EventBridge sink', () => {
  it('keeps each PutEvents call within 10 entries and 256 KB, in order', async () => {
    eventBridge
      .on(PutEventsCommand)
      .callsFake(({ Entries = [] }: { Entries?: PutEventsRequestEntry[] }) => ({ FailedEntryCount: 0, Entries: Entries.map(() => ({ EventId: 'e' })) }));
    // 100 KB each: two fit in 256 KB, a third does not; the fifth goes with the first nine of 12 small ones.
    const entries = [...[0, 1, 2, 3, 4].map((n) => entry(100 * 1024, n)), ...Array.from({ length: 12 }, (_, i) => entry(10, 5 + i))];
    expect(await eventBridgeSink(new EventBridgeClient({}))(entries)).toBe(entries.length);
    const calls = eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries!.map((sent) => JSON.parse(sent.Detail!).n as number));
    expect(calls.map((sent) => sent.length)).toEqual([2, 2, 10, 3]);
    expect(calls.flat()).toEqual(entries.map((_, n) => n));
    for (const call of eventBridge.commandCalls(PutEventsCommand)) {
      const bytes = call.args[0].input.Entries!.reduce((sum, sent) => sum + Buffer.byteLength(sent.Source! + sent.DetailType! + sent.Detail!) + 14, 0);
      expect(bytes).toBeLessThanOrEqual(256 * 1024);
    }
  });

  it('stops at the first entry not taken and says how many before it were', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 0, Entries: Array.from({ length: 10 }, () => ({ EventId: 'e' })) })
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ EventId: 'e' }, { EventId: 'e' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }, { EventId: 'e' }],
      });
    const entries = Array.from({ length: 14 }, (_, n) => entry(10, n));
    expect(await eventBridgeSink(new EventBridgeClient({}))(entries)).toBe(12);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  it('counts none of a call that failed outright', async () => {
    eventBridge.on(PutEventsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    expect(await eventBridgeSink(new EventBridgeClient({ maxAttempts: 1 }))([entry(10, 0), entry(10, 1)])).toBe(0);
  });
});
