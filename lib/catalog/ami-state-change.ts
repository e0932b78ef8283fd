import * as z from 'zod/mini';
import type { ImageState } from '../registry/image-store.ts';
import { useEnglishMessages } from '../zod-messages.ts';
import { isAmiId, progressOfAmiState, statusOfAmiState } from './ami.ts';

useEnglishMessages();

/**
 * The EventBridge event EC2 sends when an AMI of the account becomes available, failed,
 * deregistered or disabled (source aws.ec2, detail-type "EC2 AMI State Change"). Only what the
 * registry reads is checked; EC2 may add fields.
 */
export const amiStateChangeEvent = z.object({
  source: z.literal('aws.ec2'),
  'detail-type': z.literal('EC2 AMI State Change'),
  time: z.iso.datetime({ offset: true }),
  detail: z.object({
    ImageId: z.string().check(z.refine(isAmiId, 'not an AMI id')),
    State: z.string().check(z.minLength(1)),
    ErrorMessage: z.optional(z.string()),
    ErrorReason: z.optional(z.string()),
  }),
});

export type AmiStateChangeEvent = z.infer<typeof amiStateChangeEvent>;

/** The registry's view of the reported state. */
export const imageStateOf = ({ time, detail }: AmiStateChangeEvent): ImageState => ({
  status: statusOfAmiState(detail.State),
  progress: progressOfAmiState(detail.State),
  changedAt: new Date(time).toISOString(),
});
