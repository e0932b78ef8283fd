import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { amiStateChangeEvent, imageStateOf } from '../lib/catalog/ami-state-change.ts';
import { withDeadline } from '../lib/deadline.ts';
import { log } from '../lib/log.ts';
import { registry } from '../lib/registry-from-env.ts';

/**
 * Target of the EventBridge rule on EC2's "EC2 AMI State Change" events, not an HTTP route: every
 * tenant's record of the AMI follows its new state. A failure is thrown, so Lambda retries the event.
 */
export const handler = async (event: unknown, context?: Context): Promise<void> => {
  const parsed = amiStateChangeEvent.safeParse(event);
  if (!parsed.success) {
    // Retrying an event we cannot read would not make it readable.
    log.warn('ignored an event that is not an EC2 AMI State Change', { problems: z.prettifyError(parsed.error) });
    return;
  }
  const { ImageId, State, ErrorMessage, ErrorReason } = parsed.data.detail;
  const result = await withDeadline(context, () => registry.syncImageState(ImageId, imageStateOf(parsed.data)));
  log.info('AMI state synchronised', { imageId: ImageId, state: State, error: ErrorMessage || ErrorReason || undefined, ...result });
};
