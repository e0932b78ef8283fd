import { DELETED_STATUS } from '../registry/image.ts';

/**
 * What the registry knows of Amazon Machine Images without the EC2 SDK: the id format and the
 * mapping of EC2 image states to upstream's (Glance-through-Sahara) statuses. Shared by the ec2
 * catalog adapter and the AMI state sync, and light enough for every function to load.
 */

// EC2 ids are lowercase hex: 8 digits for old resources, 17 since 2016.
const AMI_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

export const isAmiId = (imageId: string): boolean => AMI_ID.test(imageId);

const STATUS_OF_STATE: ReadonlyMap<string, string> = new Map([
  ['available', 'ACTIVE'],
  ['pending', 'SAVING'],
  ['failed', 'ERROR'],
  ['invalid', 'ERROR'],
  ['error', 'ERROR'],
  ['deregistered', DELETED_STATUS],
  ['disabled', 'DEACTIVATED'],
]);

/** The status the registry shows; a state EC2 adds later shows as UNKNOWN rather than failing. */
export const statusOfAmiState = (state: string | undefined): string => STATUS_OF_STATE.get(state ?? '') ?? 'UNKNOWN';

/** Upstream reports 100 for an active image and 0 while it is still being made (or never will be). */
export const progressOfAmiState = (state: string | undefined): number => (state === 'available' ? 100 : 0);
