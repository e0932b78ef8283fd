import * as z from 'zod/mini';
import { amiStateChangeEvent, imageStateOf } from '../lib/catalog/ami-state-change.ts';
import { instrumentEvents } from '../lib/instrument.ts';
import { log } from '../lib/log.ts';
import { metrics } from '../lib/metrics.ts';
import { registry } from '../lib/registry-from-env.ts';

/**
 * Target of the EventBridge rule on EC2's "EC2 AMI State Change" events, not an HTTP route: every
 * tenant's record of the AMI follows its new state. A failure is thrown, so Lambda retries the event.
 */
export const handler = instrumentEvents('sync-ami-state', async (event: unknown) => {
  const parsed = amiStateChangeEvent.safeParse(event);
  if (!parsed.success) {
    // Retrying an event we cannot read would not make it readable; the count raises the AMI sync alarm.
    metrics.count('amiEventsUnreadable');
    return log.warn('ignored an event that is not an EC2 AMI State Change', { problems: z.prettifyError(parsed.error) });
  }
  const { ImageId, State, ErrorMessage, ErrorReason } = parsed.data.detail;
  const result = await registry.syncImageState(ImageId, imageStateOf(parsed.data));
  metrics.count('amiRecordsChanged', result.changed);
  log.info('AMI state synchronised', { imageId: ImageId, state: State, error: ErrorMessage || ErrorReason || undefined, ...result });
});
