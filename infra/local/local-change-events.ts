import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { changeEventSettingsFromEnv } from '../../lib/events/change-events.ts';
import type { EventSink } from '../../lib/events/eventbridge-sink.ts';
import { publishChanges } from '../../lib/events/publish-changes.ts';
import { isoSeconds } from '../../lib/registry/image.ts';
import { openChangeStream } from './change-stream.ts';

/**
 * `npm start`'s stand-in for the stack's change publisher and EventBridge: it reads the table's
 * stream on DynamoDB Local, runs the publisher's own code (lib/events/) over the records, and
 * instead of PutEvents gives each event, as a subscriber's rule would receive it, to `deliver`.
 */

/** The event a rule's target receives: EventBridge's envelope around the entry. */
export const eventAsDelivered = (entry: PutEventsRequestEntry, region: string) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': entry.DetailType,
  source: entry.Source,
  account: '000000000000',
  time: isoSeconds(entry.Time ?? new Date()),
  region,
  resources: entry.Resources ?? [],
  detail: JSON.parse(entry.Detail ?? '{}') as unknown,
});

export type DeliveredEvent = ReturnType<typeof eventAsDelivered>;

/** Indented JSON, with arrays of tags on one line each. */
const formatEvent = (event: DeliveredEvent): string =>
  JSON.stringify(event, null, 2).replace(
    /\[\n\s*((?:"(?:[^"\\]|\\.)*",?\n\s*)+)\]/g,
    (_array, items: string) =>
      `[${items
        .trim()
        .split(/,\n\s*/)
        .join(', ')}]`,
  );

/** Prints each event, or hands it to a shell command on its standard input (REGISTRY_EVENTS). */
export const deliveryFromSetting = (setting: string): ((event: DeliveredEvent) => Promise<void>) => {
  if (setting === 'print') return async (event) => void process.stdout.write(`${formatEvent(event)}\n`);
  return (event) =>
    new Promise((resolve) => {
      const child = spawn('sh', ['-c', setting], { stdio: ['pipe', 'inherit', 'inherit'] });
      child.on('error', (error) => {
        console.error(`REGISTRY_EVENTS: cannot run '${setting}': ${error.message}`);
        resolve();
      });
      child.on('exit', (code) => {
        if (code !== 0) console.error(`REGISTRY_EVENTS: '${setting}' exited with ${code} on an '${event['detail-type']}' event`);
        resolve();
      });
      child.stdin.on('error', () => {}); // a command that does not read its input is not our failure
      child.stdin.end(`${JSON.stringify(event)}\n`);
    });
};

export interface LocalChangeEventsOptions {
  readonly endpoint: string;
  readonly streamArn: string;
  readonly deliver: (event: DeliveredEvent) => Promise<void>;
  readonly pollMs?: number;
}

/** Follows the stream until stopped; resolves once it reads from the stream's present end. */
export const startLocalChangeEvents = async ({ endpoint, streamArn, deliver, pollMs = 250 }: LocalChangeEventsOptions) => {
  const stream = await openChangeStream({ endpoint, streamArn });
  const settings = changeEventSettingsFromEnv();
  const region = process.env.AWS_REGION || 'local';
  // A local delivery that fails is reported by deliver() and not retried: the stream moves on.
  const sink: EventSink = async (entries) => {
    for (const entry of entries) await deliver(eventAsDelivered(entry, region));
    return entries.length;
  };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const poll = async () => {
    try {
      const records = await stream.read();
      if (records.length > 0) await publishChanges(records, sink, settings);
    } catch (error) {
      if (!stopped) console.error('change events: reading the stream failed', error);
    }
    if (!stopped) timer = setTimeout(poll, pollMs);
  };
  timer = setTimeout(poll, pollMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      stream.close();
    },
  };
};
